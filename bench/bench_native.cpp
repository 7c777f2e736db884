// bench/bench_native.cpp: the native side of `npm run bench`. Times Run::step on the benchmark
// configurations, Run::layer_stats on the deep one, the three GEMM kernels, and the machine's
// SIMD128 multiply + add peak; prints one JSON object on stdout for bench/run-bench.mjs.
//
// What it is not: a profiler. It measures exactly what the browser engine runs (the same core,
// the same configs as bench/configs.json), natively, so the wasm/native ratio is like for like.
//
// Usage: initscope_bench [--configs bench/configs.json] [--window SECONDS] [--windows N]
//                        [--warmup SECONDS] [--only S,L,D,gemm,peak]
//                        [--path exact|portable|avx2|fast] [--threads N]
// --path: exact = the exact path's default kernel for this CPU; portable / avx2 = that exact
// kernel (same bits); fast = OpenBLAS (--threads N of them, default 1).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "gemm_timing.hpp"
#include "initscope/config.hpp"
#include "initscope/gemm.hpp"
#include "initscope/run.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

double cpu_seconds() {  // of this process: what it ran, not how long it waited for a core
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Rates (units per second) of `windows` timing windows of at least `window` seconds each, by the
// wall clock and by CPU time (the machine may be shared; on a quiet one the two agree). The body
// does k units per call; k is calibrated first so a window holds several, then it runs for
// `warmup` seconds untimed.
struct Rates {
  std::vector<double> wall, cpu;
};
template <typename Body>
Rates rates(Body body, double window, int windows, double warmup) {
  std::size_t k = 1;
  for (;;) {
    auto t0 = clock_type::now();
    body(k);
    if (seconds_since(t0) > window / 8 || k >= (1u << 20)) break;
    k *= 2;
  }
  for (auto t0 = clock_type::now(); seconds_since(t0) < warmup;) body(k);
  Rates out;
  for (int w = 0; w < windows; ++w) {
    std::size_t units = 0;
    auto t0 = clock_type::now();
    const double c0 = cpu_seconds();
    double dt = 0;
    do {
      body(k);
      units += k;
      dt = seconds_since(t0);
    } while (dt < window);
    out.wall.push_back(double(units) / dt);
    out.cpu.push_back(double(units) / (cpu_seconds() - c0));
  }
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string json_array(const std::vector<double>& v) {
  std::ostringstream s;
  s << '[';
  for (std::size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
  return s.str() + ']';
}

// The benchmark configurations, parsed from bench/configs.json (shared with the JS side) with a
// deliberately small reader: one object per line, fields "id", "depth", "width", "batch",
// "mode" ("train" | "stats"), "dataset", "learningRate", "probe".
struct BenchConfig {
  std::string id, mode;
  initscope::Config config;
};

std::string field(const std::string& line, const std::string& name) {
  const std::string key = "\"" + name + "\"";
  std::size_t p = line.find(key);
  if (p == std::string::npos) return "";
  p = line.find(':', p) + 1;
  while (line[p] == ' ') ++p;
  if (line[p] == '"') return line.substr(p + 1, line.find('"', p + 1) - p - 1);
  std::size_t e = line.find_first_of(",}", p);
  if (line[p] == '[') e = line.find(']', p) + 1;
  return line.substr(p, e - p);
}

std::vector<BenchConfig> load_configs(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<BenchConfig> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"id\"") == std::string::npos) continue;
    BenchConfig b;
    b.id = field(line, "id");
    b.mode = field(line, "mode");
    initscope::Config& c = b.config;
    c.dataset = initscope::parse_dataset(field(line, "dataset"));
    c.hidden.assign(std::stoi(field(line, "depth")), std::stoi(field(line, "width")));
    c.batch_size = std::stoi(field(line, "batch"));
    c.learning_rate = std::stod(field(line, "learningRate"));
    c.probe_size = std::stoi(field(line, "probe"));
    c.init = initscope::Init::he_normal;
    c.activation = initscope::Activation::relu;
    c.optimizer = initscope::Optimizer::sgd;
    c.seed = 42;
    out.push_back(b);
  }
  return out;
}

// The core clock while busy, from a chain of dependent 64-bit multiplies (latency 3 cycles on every
// x86-64 core since Nehalem / Zen): the peak's other factor (bench/README.md). 0 off x86-64.
double cpu_ghz() {
#if defined(__x86_64__)
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    long x = 3;
    const long n = 20000000;
    auto t0 = clock_type::now();
    for (long i = 0; i < n; ++i)
      asm volatile("imul %0, %0\n\timul %0, %0\n\timul %0, %0\n\timul %0, %0" : "+r"(x));
    best = std::max(best, 4.0 * 3.0 * double(n) / seconds_since(t0) * 1e-9);
  }
  return best;
#else
  return 0;
#endif
}

bool wanted(const std::string& only, const std::string& what) {
  if (only.empty()) return true;
  std::string list = "," + only + ",";
  return list.find("," + what + ",") != std::string::npos;
}

}  // namespace

int main(int argc, char** argv) {
  std::string configs_path = "bench/configs.json", only;
  double window = 0.5, warmup = 1.5;
  int windows = 7, threads = 1;
  std::string path = "exact";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--configs")
      configs_path = next();
    else if (a == "--window")
      window = std::stod(next());
    else if (a == "--windows")
      windows = std::stoi(next());
    else if (a == "--warmup")
      warmup = std::stod(next());
    else if (a == "--only")
      only = next();
    else if (a == "--path")
      path = next();
    else if (a == "--threads")
      threads = std::stoi(next());
    else {
      std::fprintf(stderr, "initscope_bench: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  try {
    using initscope::ExactKernel;
    if (path == "fast") {
      initscope::set_gemm_mode(initscope::GemmMode::fast);
      initscope::set_gemm_threads(threads);
    } else if (path == "portable") {
      initscope::set_exact_kernel(ExactKernel::portable);
    } else if (path == "avx2") {
      initscope::set_exact_kernel(ExactKernel::avx2);
    } else if (path != "exact") {
      throw std::runtime_error("--path " + path + ": expected exact, portable, avx2 or fast");
    }
    const std::string kernel =
        path == "fast" ? "openblas" : initscope::to_string(initscope::exact_kernel());
    std::fprintf(stderr, "native path %s (kernel %s)\n", path.c_str(), kernel.c_str());
    std::ostringstream js;
    js << "{\"path\":\"" << path << "\",\"kernel\":\"" << kernel << "\",\"threads\":" << threads
       << ",\"configs\":[";
    bool first = true;
    for (const BenchConfig& b : load_configs(configs_path)) {
      if (!wanted(only, b.id)) continue;
      initscope::Run run(b.config);
      Rates r;
      if (b.mode == "stats") {
        r = rates(
            [&](std::size_t k) {
              for (std::size_t i = 0; i < k; ++i) run.layer_stats();
            },
            window, windows, warmup);
      } else {
        r = rates([&](std::size_t k) { run.step(static_cast<int>(k)); }, window, windows, warmup);
        if (run.diverged_at()) throw std::runtime_error(b.id + " diverged during the bench");
      }
      js << (first ? "" : ",") << "{\"id\":\"" << b.id << "\",\"mode\":\"" << b.mode
         << "\",\"perSecond\":" << median(r.cpu) << ",\"perSecondWall\":" << median(r.wall)
         << ",\"windowsCpu\":" << json_array(r.cpu) << ",\"windowsWall\":" << json_array(r.wall)
         << "}";
      first = false;
      std::fprintf(stderr, "native %-2s %10.1f %s per CPU second (wall clock: %.1f/s)\n",
                   b.id.c_str(), median(r.cpu), b.mode == "stats" ? "layerStats" : "steps",
                   median(r.wall));
    }
    js << "],\"gemm\":[";
    first = true;
    if (wanted(only, "gemm")) {
      const char* kinds[] = {"nt", "tn", "nn"};
      for (int n : {64, 256, 1024})
        for (int k = 0; k < 3; ++k) {
          const double g = initscope::bench::gemm_gflops(k, n, window * windows / 3);
          js << (first ? "" : ",") << "{\"n\":" << n << ",\"kind\":\"" << kinds[k]
             << "\",\"gflops\":" << g << "}";
          first = false;
          std::fprintf(stderr, "native gemm_%s %4d^3 %6.2f GFLOP/s\n", kinds[k], n, g);
        }
    }
    js << "]";
    if (wanted(only, "peak")) {
      const double p = initscope::bench::simd128_peak_gflops(window * windows / 3);
      const double ghz = cpu_ghz();
      js << ",\"simd128PeakGflops\":" << p << ",\"clockGhz\":" << ghz;
      std::fprintf(stderr, "native 4-lane mul+add peak %6.2f GFLOP/s measured; clock %.2f GHz\n", p,
                   ghz);
    }
    js << "}";
    std::printf("%s\n", js.str().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "initscope_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
