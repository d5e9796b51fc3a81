/**
 * Colour for pass / fail words on a terminal, and nowhere else: not when stdout is a pipe or a file,
 * not with TERM=dumb, and not when NO_COLOR is set to anything but "" (https://no-color.org: "when
 * present and not an empty string … prevents the addition of ANSI color"). Colour is applied after
 * padding, so tables line up either way.
 */

export type Tone = "good" | "warn" | "bad";

/** Wraps text in its tone's colour, or returns it as it is. */
export type Paint = (tone: Tone, text: string) => string;

/** SGR codes: green, yellow, red; 39 resets the foreground only. */
const SGR: Readonly<Record<Tone, number>> = { good: 32, warn: 33, bad: 31 };

export const plain: Paint = (_tone, text) => text;

const ansi: Paint = (tone, text) => `\x1b[${SGR[tone]}m${text}\x1b[39m`;

/** Whether output to a stream with this `isTTY` may be coloured under `env`. */
export function wantsColour(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY === true && env.TERM !== "dumb";
}

export function painter(colour: boolean | undefined): Paint {
  return colour ? ansi : plain;
}
