// core/cli/shard.hpp: the file and terminal side of sharded and resumable sweeps (sweep.cpp):
// whole-file reads, atomic replacement of a file (checkpoints survive kill -9 at any moment),
// and the progress line on stderr. The part format itself is the core's (sweep_parts.hpp).
#pragma once
#include <chrono>
#include <cstddef>
#include <string>

namespace cli {

// The whole file; throws UsageError naming `what` (e.g. `part file "p.json"`) if unreadable.
std::string read_whole_file(const std::string& path, const std::string& what);
bool file_exists(const std::string& path);

// Replaces `path` with `text` so that a reader (or a restart after kill -9 or a power cut) sees
// either the old file or the new one, never a mix: write path.tmp, fsync it, rename it over
// path, fsync the directory. Throws std::runtime_error naming the file.
void write_file_atomic(const std::string& path, const std::string& text);

// "sweep 2/8: 120/400 runs (30%), 15.2 runs/s, 18 s left" on stderr, at most twice a second on a
// terminal (rewritten in place) and once every two seconds otherwise.
class Progress {
 public:
  Progress(bool on, std::string label, std::size_t total, std::size_t already_done);
  void finished_one();  // a task finished (thread-safe only under the caller's lock)
  void end();

 private:
  void print(bool last);
  bool on_, tty_;
  std::string label_;
  std::size_t total_, done_, resumed_;
  std::chrono::steady_clock::time_point start_, last_;
  bool printed_ = false;
};

}  // namespace cli
