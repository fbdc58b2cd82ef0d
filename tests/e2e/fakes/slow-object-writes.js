// Preloaded into s3rver (node -r) by put-then-get.sh: every write to an object's content file is held back 300 ms,
// as a busy libuv thread pool on a loaded machine may hold it. A store that answers a PUT before its object is on
// disk then serves the next GET short; the patched s3rver waits for the file.
const fs = require('fs');
const { open, write, writev } = fs;
const objects = new Set();
fs.open = function (path, flags, mode, callback) {
  const done = typeof mode === 'function' ? mode : callback;
  return open.call(fs, path, flags, typeof mode === 'function' ? undefined : mode, (err, fd) => {
    if (!err && String(path).endsWith('._S3rver_object')) objects.add(fd);
    else if (!err) objects.delete(fd);
    done(err, fd);
  });
};
const held = (original) => function (fd, ...args) {
  if (!objects.has(fd)) return original.call(fs, fd, ...args);
  setTimeout(() => original.call(fs, fd, ...args), 300);
};
fs.write = held(write);
fs.writev = held(writev);
