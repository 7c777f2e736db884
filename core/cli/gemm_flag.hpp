// core/cli/gemm_flag.hpp: `--gemm exact|fast` and `--threads N`, shared by the verbs that train
// (run, sweep). Kept out of common.cpp so the flag is one file: the table entries, applying the
// choice to the core (initscope/gemm.hpp) and its line in the output JSON.
#pragma once
#include <string>
#include <vector>

#include "args.hpp"
#include "json.hpp"

namespace cli {

struct GemmOptions {
  // exact by default: the bits the page computes (every CLI == page byte test relies on it).
  std::string mode = "exact";
  int threads = 1;  // OpenBLAS threads for --gemm fast
};

// Appends --gemm and --threads under the "Speed" heading of --help.
void add_gemm_flags(std::vector<Flag>& flags, GemmOptions& o);
// Sets the core's GEMM path; a UsageError naming --gemm when fast is not built in.
void apply_gemm(const GemmOptions& o);
// "gemm": "exact" | "fast" (and "gemmThreads": N for fast), written by the verb right after its
// "config" object. The page's sweep JSON writes "gemm": "exact" too (web/js/sweep-grid.js).
void write_gemm_json(JsonWriter& j, const GemmOptions& o);

}  // namespace cli
