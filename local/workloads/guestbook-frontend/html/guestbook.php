<?php
// The upstream frontend's API (?cmd=get|set&key=…&value=…, JSON answers), kept in a file instead of Redis.
header('Content-Type: application/json');
$key = preg_replace('/[^A-Za-z0-9_-]/', '', $_GET['key'] ?? 'messages');
$file = sys_get_temp_dir() . "/guestbook-$key";
if (($_GET['cmd'] ?? '') === 'set') {
  file_put_contents($file, $_GET['value'] ?? '');
  print('{"message": "Updated"}');
} else {
  print(json_encode(['data' => is_file($file) ? file_get_contents($file) : '']));
}
