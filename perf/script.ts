/**
 * The iperf3 client's shell script. It needs only `sh` and `iperf3` from the image: /proc/stat,
 * /proc/uptime and the interface MTU are read with the shell's `read`, so no coreutils are assumed.
 *
 * Every run is framed by marker lines (perf/parse.ts reads them back):
 *   @@cnilab-perf mtu <eth0 MTU>
 *   @@cnilab-perf begin <test> <rep> <seconds>
 *   @@cnilab-perf stat cpu  <jiffies…>       host-wide busy time before…
 *   @@cnilab-perf uptime <seconds>
 *   <iperf3 -J output>
 *   @@cnilab-perf stat … / @@cnilab-perf uptime …   …and after
 *   @@cnilab-perf end <test> <rep> <exit code>
 * /proc/stat is not namespaced: inside any pod it is the whole host's, which on kind is every node.
 */
import { PERF_PORTS, STREAMS, runSeconds, type PerfSettings } from "./settings";

export const MARKER = "@@cnilab-perf";

const SNAPSHOT = `read -r s < /proc/stat; echo "${MARKER} stat $s"; read -r u _ < /proc/uptime; echo "${MARKER} uptime $u"`;

export function iperfClientScript(settings: PerfSettings): string {
  const lines = [
    // $TARGET comes from the container's environment: an address, never interpolated into this text.
    `m=unknown; read -r m < /sys/class/net/eth0/mtu; echo "${MARKER} mtu $m"`,
    "run() {",
    `  echo "${MARKER} begin $1 $2 $3"`,
    `  ${SNAPSHOT}`,
    `  iperf3 -c "$TARGET" -p ${PERF_PORTS.iperf} -t "$3" -O "$5" -P "$4" -i 0 -J --connect-timeout 3000; rc=$?`,
    `  ${SNAPSHOT}`,
    `  echo "${MARKER} end $1 $2 $rc"`,
    "}",
  ];
  for (const test of settings.iperfTests) {
    for (let i = 0; i < settings.warmup + settings.reps; i++) {
      const rep = i - settings.warmup + 1;
      // Warm-ups omit nothing: they are discarded anyway.
      lines.push(`run ${test} ${rep} ${runSeconds(settings, rep)} ${STREAMS[test]} ${rep < 1 ? 0 : settings.omitSeconds}`);
    }
  }
  // The Job's pod succeeds even when a run failed: the log says which, and the parser reports it.
  lines.push("exit 0");
  return `${lines.join("\n")}\n`;
}
