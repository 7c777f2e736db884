// core/cli/shard.cpp: see shard.hpp.
#include "shard.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "args.hpp"
#include "initscope/config.hpp"

namespace cli {

std::string read_whole_file(const std::string& path, const std::string& what) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    throw UsageError(what, "cannot be read (" + std::string(std::strerror(errno)) + ")",
                     "a readable part file");
  std::string text;
  char buf[1 << 16];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  const bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) throw UsageError(what, "cannot be read (read error)", "a readable part file");
  return text;
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

namespace {
[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("cannot " + what + " " + initscope::quote(path) + ": " +
                           std::strerror(errno));
}
}  // namespace

void write_file_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create", tmp);
  for (std::size_t at = 0; at < text.size();) {
    const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      fail("write", tmp);
    }
    at += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("fsync", tmp);
  }
  if (::close(fd) != 0) fail("close", tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("rename to", path);
  // The rename itself is durable only once the directory is on disk.
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) fail("open the directory", dir);
  const int synced = ::fsync(dfd);
  ::close(dfd);
  if (synced != 0) fail("fsync the directory", dir);
}

Progress::Progress(bool on, std::string label, std::size_t total, std::size_t already_done)
    : on_(on),
      tty_(::isatty(STDERR_FILENO) == 1),
      label_(std::move(label)),
      total_(total),
      done_(already_done),
      resumed_(already_done),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::finished_one() {
  ++done_;
  if (!on_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(tty_ ? 500 : 2000)) return;
  last_ = now;
  print(false);
}

void Progress::end() {
  if (on_ && (printed_ || done_ > resumed_)) print(true);
}

void Progress::print(bool last) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done_ - resumed_) / seconds : 0;
  char line[200];
  int n = std::snprintf(line, sizeof line, "%s: %zu/%zu runs (%d%%)", label_.c_str(), done_, total_,
                        total_ ? static_cast<int>(100.0 * done_ / total_) : 100);
  if (rate > 0 && n > 0 && static_cast<std::size_t>(n) < sizeof line) {
    const double left = static_cast<double>(total_ - done_) / rate;
    n += std::snprintf(line + n, sizeof line - n, ", %.3g runs/s", rate);
    if (!last && static_cast<std::size_t>(n) < sizeof line)
      std::snprintf(line + n, sizeof line - n, ", %.0f s left", left);
  }
  // On a terminal the line is rewritten in place; in a log file each one is a line.
  std::fprintf(stderr, tty_ ? "\r%s\033[K%s" : "%s%s\n", line, tty_ && last ? "\n" : "");
  std::fflush(stderr);
  printed_ = true;
}

}  // namespace cli
