// core/cli/gemm_flag.cpp: see gemm_flag.hpp.
#include "gemm_flag.hpp"

#include "common.hpp"
#include "initscope/gemm.hpp"

namespace cli {

void add_gemm_flags(std::vector<Flag>& flags, GemmOptions& o) {
  const char* s = "Speed";
  const std::string allowed = initscope::fast_gemm_available()
                                  ? "exact or fast"
                                  : "exact (this build has no OpenBLAS for fast: install "
                                    "libopenblas-dev, e.g. scripts/setup.sh native, and rebuild)";
  flags.push_back(
      {"gemm", "", "--gemm", "ID",
       "matrix products: exact = the page's bits (AVX2/SSE2 kernels chosen at run time, the same "
       "numbers as the browser); fast = OpenBLAS sgemm, for wide nets (256 and up), rounding "
       "differs from the page (bench/README.md)",
       o.mode, allowed,
       [&o](const std::string& v) {
         if (v != "exact" && !(v == "fast" && initscope::fast_gemm_available())) throw BadValue{};
         o.mode = v;
       },
       s});
  flags.push_back(
      {"threads", "", "--threads", "N", "OpenBLAS threads for --gemm fast",
       std::to_string(o.threads), initscope::int_range(1, 256),
       [&o](const std::string& v) { o.threads = static_cast<int>(to_integer(v, 1, 256)); }, s});
}

void apply_gemm(const GemmOptions& o) {
  initscope::set_gemm_mode(o.mode == "fast" ? initscope::GemmMode::fast
                                            : initscope::GemmMode::exact);
  initscope::set_gemm_threads(o.threads);
}

void write_gemm_json(JsonWriter& j, const GemmOptions& o) {
  j.key("gemm").string(o.mode);
  if (o.mode == "fast") j.key("gemmThreads").integer(o.threads);
}

}  // namespace cli
