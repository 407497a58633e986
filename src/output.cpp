#include "ihtbatch/output.hpp"

#include <charconv>
#include <cerrno>
#include <cstring>
#include <cmath>
#include <limits>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include "ihtbatch/error.hpp"

namespace iht {

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

void write_runs_csv(std::ostream& out, const std::vector<RunResult>& results,
                    const std::vector<std::string>& param_names) {
  out << "sparsity,run,data_seed,init_seed,support_seed,lipschitz,step_size,steps,stop,"
         "train_loss,train_acc,test_loss,test_acc,eps,ht_stable,ht_margin,grad_support_inf";
  for (const auto& name : param_names) out << ',' << name;
  out << '\n';
  for (const auto& r : results) {
    if (r.steps < 0) continue;
    const auto& s = r.spec;
    out << s.sparsity << ',' << s.run << ',' << s.data_seed << ',' << s.init_seed << ','
        << s.support_seed << ',' << format_double(r.lipschitz) << ',' << format_double(r.step_size)
        << ',' << r.steps << ',' << to_string(r.stop) << ',' << format_double(r.train_loss) << ','
        << format_double(r.train_acc) << ',' << format_double(r.test_loss) << ','
        << format_double(r.test_acc) << ',' << format_double(r.eps) << ',' << (r.ht_stable ? 1 : 0)
        << ',' << format_double(r.ht_margin) << ',' << format_double(r.grad_support_inf);
    if (!param_names.empty())
      for (double t : r.theta) out << ',' << format_double(t);
    out << '\n';
  }
}

std::string theta_npy(const std::vector<RunResult>& results, int parameters) {
  static_assert(sizeof(double) == 8, "float64 rows");
  size_t rows = 0;
  for (const auto& r : results) rows += r.steps >= 0 ? 1 : 0;
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(parameters) + "), }";
  // magic (6) + version (2) + length (2) + header + '\n', padded with spaces to a multiple of 64
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size() & 0xFF);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  for (const auto& r : results) {
    if (r.steps < 0) continue;
    for (int i = 0; i < parameters; ++i) {
      const double v = i < static_cast<int>(r.theta.size()) ? r.theta[i] : 0.0;
      unsigned char le[8];
      uint64_t bits;
      std::memcpy(&bits, &v, 8);
      for (int b = 0; b < 8; ++b) le[b] = static_cast<unsigned char>(bits >> (8 * b));
      bytes.append(reinterpret_cast<const char*>(le), 8);
    }
  }
  return bytes;
}

void write_runs_and_theta(const std::string& dir, const std::vector<RunResult>& results,
                          const std::vector<std::string>& param_names) {
  const std::filesystem::path at(dir);
  const bool in_csv = param_names.size() <= kMaxThetaColumns;
  if (in_csv) {
    for (const char* stale : {"theta.npy", "param_names.txt"}) {
      std::error_code ignored;  // a file or a link we may have written; never a directory
      const auto status = std::filesystem::symlink_status(at / stale, ignored);
      if (std::filesystem::is_regular_file(status) || std::filesystem::is_symlink(status))
        std::filesystem::remove(at / stale, ignored);
    }
  } else {
    std::string list;
    for (const auto& name : param_names) list += name + "\n";
    write_file_atomically((at / "theta.npy").string(), theta_npy(results, static_cast<int>(param_names.size())));
    write_file_atomically((at / "param_names.txt").string(), list);
  }
  std::ostringstream runs;
  write_runs_csv(runs, results, in_csv ? param_names : std::vector<std::string>{});
  write_file_atomically((at / "runs.csv").string(), runs.str());
}

void refuse_directories_at_outputs(const std::string& what, const std::string& dir, size_t parameters,
                                   const std::vector<std::string>& more) {
  std::vector<std::string> names = more;
  names.insert(names.end(), {"runs.csv", "summary.csv", "meta.json"});
  if (parameters > kMaxThetaColumns) names.insert(names.end(), {"theta.npy", "param_names.txt"});
  for (const auto& name : names) {
    std::error_code ec;  // symlink_status: a link is replaced by the rename, whatever it points to
    if (std::filesystem::is_directory(std::filesystem::symlink_status(std::filesystem::path(dir) / name, ec)))
      throw InputError(what + " " + dir + ": a directory stands where " + name +
                       " belongs (remove it, or use another directory)");
  }
}

void write_summary_csv(std::ostream& out, const std::vector<LevelSummary>& levels) {
  static const char* kStats[] = {"min", "q1", "median", "q3", "max"};
  out << "sparsity,runs,frac_tol";
  for (const auto& m : kSummaryMetrics)
    for (const char* st : kStats) out << ',' << m << '_' << st;
  out << ",frac_ht_stable\n";
  for (const auto& l : levels) {
    out << l.sparsity << ',' << l.runs << ',' << format_double(l.frac_tol);
    for (const auto& five : l.metrics)
      for (double v : five) out << ',' << format_double(v);
    out << ',' << format_double(l.frac_ht_stable) << '\n';
  }
}

double printable(double v) { return std::isnan(v) ? std::numeric_limits<double>::quiet_NaN() : v; }

void print_summary_table(std::ostream& out, const std::vector<LevelSummary>& levels, int parameters) {
  // Medians of kSummaryMetrics, in the order printed.
  out << "  level   runs  stop@tol  median: step size  steps  train loss  test loss  train acc  "
         "test acc        eps  HT-stable\n";
  for (const auto& l : levels) {
    const std::string name = l.sparsity == parameters ? "dense" : "s=" + std::to_string(l.sparsity);
    char line[256];
    std::snprintf(line, sizeof line,
                  "%7s %6ld %8.1f%% %17.4g %6.0f %11.4g %10.4g %9.1f%% %8.1f%% %10.3g %9.1f%%\n",
                  name.c_str(), l.runs, 100 * l.frac_tol, printable(l.metrics[0][2]), printable(l.metrics[1][2]),
                  printable(l.metrics[2][2]), printable(l.metrics[3][2]), printable(100 * l.metrics[4][2]),
                  printable(100 * l.metrics[5][2]), printable(l.metrics[6][2]), printable(100 * l.frac_ht_stable));
    out << line;
  }
}

namespace {

[[noreturn]] void write_failed(const std::string& path, const char* what) {
  throw std::runtime_error(path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) write_failed(dir, "cannot open the directory to sync it");
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) write_failed(dir, "cannot sync the directory");
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) write_failed(tmp, "cannot open for writing");
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = saved;
      write_failed(tmp, "write failed (disk full?)");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    errno = saved;
    write_failed(tmp, "cannot sync to disk");
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {  // e.g. a directory stands at `path`: leave no stray file
    const int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    write_failed(path, "cannot rename the temporary file into place");
  }
  const auto slash = path.find_last_of('/');
  sync_directory(slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash)));
}

}  // namespace iht
