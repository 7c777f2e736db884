// gemm.cpp: the three matrix products of an MLP step (see gemm.hpp), and their naive references.
//
// Numerical contract, shared by every kernel here: each output element is a sequential float sum
// over k in increasing order, starting from C's old value (accumulate) or from 0:
//   c = c0; for k in 0..K-1: c = c + a[k] * b[k]      (no fused multiply-add: -ffp-contract=off)
// Vectorising or blocking over i and j never changes that order, so every build (native SSE/AVX,
// wasm SIMD128, scalar) gives bit-identical results: the browser matches the CLI.
#include "initscope/gemm.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

// Runtime CPU dispatch of the exact kernel (x86-64 natively; never in wasm).
#if defined(__x86_64__) && !defined(__EMSCRIPTEN__) && (defined(__GNUC__) || defined(__clang__))
#define INITSCOPE_X86_DISPATCH 1
#else
#define INITSCOPE_X86_DISPATCH 0
#endif

// The fast path: OpenBLAS, when CMake found it (native only; see CMakeLists.txt).
#if defined(INITSCOPE_HAVE_OPENBLAS) && !defined(__EMSCRIPTEN__)
#include <cblas.h>
#define INITSCOPE_BLAS 1
#else
#define INITSCOPE_BLAS 0
#endif

namespace initscope {

namespace {

// ---------------------------------------------------------------------------------------------
// Blocking (Goto & van de Geijn, "Anatomy of high-performance matrix multiplication", 2008; the
// BLIS loop order): B is packed in KC x NC blocks cut into NR-wide micro-panels that the
// micro-kernel reads contiguously. A is read in place when its rows are contiguous along k (nt,
// nn: four sequential streams, and no packing pass, which cost ~9% of a 64-wide MLP step); A^T
// (tn) is packed in MC x KC blocks of MR-wide panels. An MR x NR tile of C stays in registers.
//   MR x NR = 4 x 8: 8 accumulators + 2 b vectors + 1 broadcast = 11 of the 16 SIMD registers
//   (x86 xmm0-15, which is also what V8 gives wasm SIMD128 on x64). Per k: 2 vector loads and
//   4 broadcast loads feed 8 multiplies and 8 adds. Measured against 6x8, 8x8, 4x12 and 3x16:
//   4x8 is the fastest in wasm (V8 allocates registers best with room to spare; 6x8 was 10-15%
//   slower) and as fast as any natively; widths of 64 and 256 also tile it without edges.
//   KC = 256: a B micro-panel (KC x NR floats, 8 KiB) stays in L1 while A streams past it.
//   MC x KC (128 KiB) and KC x NC (1 MiB) blocks stay in L2.
//   Natively on AVX2 CPUs the same loops run a 6 x 16 tile of 8-lane vectors (struct Avx2 below):
//   ~1.75x the 4 x 8 SSE2 kernel on a 20 x 256 MLP step, same bits.
// Splitting k into KC blocks keeps each element's sum in order: block p > 0 continues from the
// value block p - 1 stored in C.
constexpr std::size_t kKC = 256, kNC = 1024;

// 4 floats: SSE on x86, v128 in wasm SIMD128. Lane-wise + and * keep each lane's own order, so
// vector code computes exactly what the scalar loop would. Why vector types rather than plain
// loops: the same kernel over a float[MR][NR] tile reached 17 GFLOP/s in wasm but 6 natively
// (GCC kept the tile in memory); GCC/Clang vector types give both compilers the register tile,
// with no intrinsics and no #ifdef.
typedef float v4 __attribute__((vector_size(16)));
typedef float v4u __attribute__((vector_size(16), aligned(4)));  // unaligned loads and stores

inline v4 load4(const float* p) { return *reinterpret_cast<const v4u*>(p); }
inline void store4(float* p, v4 v) { *reinterpret_cast<v4u*>(p) = v; }
inline v4 splat4(float x) { return v4{x, x, x, x}; }

// The portable kernel (SSE2 natively, SIMD128 in wasm): 4 x 8 tiles.
struct Portable {
  static constexpr std::size_t MR = 4, NR = 8;
  // C[MR][NR] (+)= a . b over kc steps. Row r of a is read in place: a(r, k) = a[r][k * ks]
  // (rows of A, or columns of A^T); b is a packed panel [kc][NR]. Row stride of C: ldc.
  static void kernel(std::size_t kc, const float* const* a, std::size_t ks, const float* b,
                     float* c, std::size_t ldc, bool accumulate) {
    constexpr std::size_t NV = NR / 4;
    v4 acc[MR][NV];
    for (std::size_t r = 0; r < MR; ++r)
      for (std::size_t v = 0; v < NV; ++v)
        acc[r][v] = accumulate ? load4(c + r * ldc + 4 * v) : v4{};
    const float* ar[MR];
    for (std::size_t r = 0; r < MR; ++r) ar[r] = a[r];
    for (std::size_t k = 0; k < kc; ++k, b += NR) {
      v4 bv[NV];
      for (std::size_t v = 0; v < NV; ++v) bv[v] = load4(b + 4 * v);
      for (std::size_t r = 0; r < MR; ++r) {
        const v4 s = splat4(*ar[r]);
        ar[r] += ks;
        for (std::size_t v = 0; v < NV; ++v) acc[r][v] += s * bv[v];
      }
    }
    for (std::size_t r = 0; r < MR; ++r)
      for (std::size_t v = 0; v < NV; ++v) store4(c + r * ldc + 4 * v, acc[r][v]);
  }
};

#if INITSCOPE_X86_DISPATCH
// The same kernel on 8-lane AVX registers, 6 x 16 tiles: 12 accumulators + 2 b vectors +
// 1 broadcast = 15 of the 16 ymm registers. vmulps then vaddps (target "avx2" only, never "fma",
// and -ffp-contract=off): each lane computes c = c + a * b exactly as the 4-lane kernel does, so
// the bits are the same (tests/native/test_gemm.cpp checks that bit for bit). Only this function
// is compiled for AVX2; it runs when __builtin_cpu_supports("avx2") says so.
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));
struct Avx2 {
  static constexpr std::size_t MR = 6, NR = 16;
  __attribute__((target("avx2"), noinline)) static void kernel(std::size_t kc,
                                                               const float* const* a,
                                                               std::size_t ks, const float* b,
                                                               float* c, std::size_t ldc,
                                                               bool accumulate) {
    constexpr std::size_t NV = NR / 8;
    v8 acc[MR][NV];
    for (std::size_t r = 0; r < MR; ++r)
      for (std::size_t v = 0; v < NV; ++v)
        acc[r][v] = accumulate ? *reinterpret_cast<const v8u*>(c + r * ldc + 8 * v) : v8{};
    const float* ar[MR];
    for (std::size_t r = 0; r < MR; ++r) ar[r] = a[r];
    for (std::size_t k = 0; k < kc; ++k, b += NR) {
      v8 bv[NV];
      for (std::size_t v = 0; v < NV; ++v) bv[v] = *reinterpret_cast<const v8u*>(b + 8 * v);
      for (std::size_t r = 0; r < MR; ++r) {
        const float x = *ar[r];
        const v8 s = {x, x, x, x, x, x, x, x};
        ar[r] += ks;
        for (std::size_t v = 0; v < NV; ++v) acc[r][v] += s * bv[v];
      }
    }
    for (std::size_t r = 0; r < MR; ++r)
      for (std::size_t v = 0; v < NV; ++v) *reinterpret_cast<v8u*>(c + r * ldc + 8 * v) = acc[r][v];
  }
};
#endif

// dst[j][i] = src[i][j] for a 4 x 4 block; row strides ls (src) and ld (dst).
inline void transpose4(const float* src, std::size_t ls, float* dst, std::size_t ld) {
  const v4 r0 = load4(src), r1 = load4(src + ls), r2 = load4(src + 2 * ls),
           r3 = load4(src + 3 * ls);
  const v4 t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5);  // r0[0] r1[0] r0[1] r1[1]
  const v4 t1 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7);  // r0[2] r1[2] r0[3] r1[3]
  const v4 t2 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5);
  const v4 t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
  store4(dst, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));           // column 0
  store4(dst + ld, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));      // column 1
  store4(dst + 2 * ld, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));  // column 2
  store4(dst + 3 * ld, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));  // column 3
}

// A strided view of a matrix: element (r, k) = p[r * rs + k * ks].
struct View {
  const float* p;
  std::size_t rs, ks;
  float at(std::size_t r, std::size_t k) const { return p[r * rs + k * ks]; }
};

// Packs rows [r0, r0 + rows) x k in [k0, k0 + kc) of v into micro-panels of R rows:
// dst[panel][k][R], zero-padded past `rows` (padded results are computed and never stored).
template <std::size_t R>
void pack(View v, std::size_t r0, std::size_t rows, std::size_t k0, std::size_t kc, float* dst) {
  for (std::size_t p = 0; p < rows; p += R, dst += kc * R) {
    const std::size_t n = std::min(R, rows - p);
    const float* src = v.p + (r0 + p) * v.rs + k0 * v.ks;
    if (v.rs == 1 && n == R) {  // R contiguous floats per k: a straight copy
      for (std::size_t k = 0; k < kc; ++k)
        for (std::size_t r = 0; r < R; ++r) dst[k * R + r] = src[k * v.ks + r];
    } else if (v.ks == 1 && n == R && R % 4 == 0) {  // rows along k: 4 x 4 block transposes
      std::size_t k = 0;
      for (; k + 4 <= kc; k += 4)
        for (std::size_t r = 0; r < R; r += 4)
          transpose4(src + r * v.rs + k, v.rs, dst + k * R + r, R);
      for (; k < kc; ++k)
        for (std::size_t r = 0; r < R; ++r) dst[k * R + r] = src[r * v.rs + k];
    } else {  // row by row, each row read along k
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t k = 0; k < kc; ++k) dst[k * R + r] = src[r * v.rs + k * v.ks];
      for (std::size_t k = 0; k < kc; ++k)
        for (std::size_t r = n; r < R; ++r) dst[k * R + r] = 0.0f;
    }
  }
}

// C[M][N] (+)= A . B, with a(i, k) = a.at(i, k) and b(k, j) = bt.at(j, k).
template <class Kernel>
void blocked(std::size_t M, std::size_t N, std::size_t K, View a, View bt, float* C,
             bool accumulate) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (!accumulate) std::memset(C, 0, M * N * sizeof(float));
    return;
  }
  // Sized once per thread: a step never allocates.
  constexpr std::size_t kMR = Kernel::MR, kNR = Kernel::NR, kMC = (128 / kMR) * kMR;
  static_assert(kNC % kNR == 0, "B blocks are whole micro-panels");
  thread_local std::vector<float> pa(kMC * kKC), pb(kKC * kNC);
  float edge[kMR * kNR];
  for (std::size_t jc = 0; jc < N; jc += kNC) {
    const std::size_t nc = std::min(kNC, N - jc);
    for (std::size_t pc = 0; pc < K; pc += kKC) {
      const std::size_t kc = std::min(kKC, K - pc);
      const bool acc = accumulate || pc > 0;
      pack<kNR>(bt, jc, nc, pc, kc, pb.data());
      for (std::size_t ic = 0; ic < M; ic += kMC) {
        const std::size_t mc = std::min(kMC, M - ic);
        // Rows of A (ks == 1) are read in place; columns of A^T are packed into [k][MR] panels.
        const bool packed = a.ks != 1;
        if (packed) pack<kMR>(a, ic, mc, pc, kc, pa.data());
        const std::size_t ks = packed ? kMR : 1;
        for (std::size_t jr = 0; jr < nc; jr += kNR) {
          const std::size_t nr = std::min(kNR, nc - jr);
          const float* b = pb.data() + jr * kc;
          for (std::size_t ir = 0; ir < mc; ir += kMR) {
            const std::size_t mr = std::min(kMR, mc - ir);
            // In place, rows past M repeat the last row: read, computed, never stored.
            const float* rows[kMR];
            for (std::size_t r = 0; r < kMR; ++r)
              rows[r] = packed ? pa.data() + ir * kc + r
                               : a.p + (ic + ir + std::min(r, mr - 1)) * a.rs + pc;
            float* c = C + (ic + ir) * N + jc + jr;
            if (mr == kMR && nr == kNR) {
              Kernel::kernel(kc, rows, ks, b, c, N, acc);
            } else {  // edge tile: through a full-size buffer
              for (std::size_t r = 0; r < mr; ++r)
                for (std::size_t j = 0; j < nr; ++j) edge[r * kNR + j] = acc ? c[r * N + j] : 0.0f;
              Kernel::kernel(kc, rows, ks, b, edge, kNR, true);
              for (std::size_t r = 0; r < mr; ++r)
                for (std::size_t j = 0; j < nr; ++j) c[r * N + j] = edge[r * kNR + j];
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dispatch: the exact kernel for this CPU, or (mode fast) OpenBLAS.

bool cpu_has(ExactKernel k) {
  if (k == ExactKernel::portable) return true;
#if INITSCOPE_X86_DISPATCH
  // cpu_init: this runs in a static initializer, possibly before libgcc's own.
  __builtin_cpu_init();
  if (k == ExactKernel::avx2) return __builtin_cpu_supports("avx2");
#endif
  return false;
}

ExactKernel best_exact() {
  return cpu_has(ExactKernel::avx2) ? ExactKernel::avx2 : ExactKernel::portable;
}

std::atomic<ExactKernel> g_exact{best_exact()};
std::atomic<GemmMode> g_mode{GemmMode::exact};

void exact(std::size_t M, std::size_t N, std::size_t K, View a, View bt, float* C,
           bool accumulate) {
#if INITSCOPE_X86_DISPATCH
  if (g_exact.load(std::memory_order_relaxed) == ExactKernel::avx2)
    return blocked<Avx2>(M, N, K, a, bt, C, accumulate);
#endif
  blocked<Portable>(M, N, K, a, bt, C, accumulate);
}

#if INITSCOPE_BLAS
// Row-major C[M][N] (+)= op(A) . op(B) by OpenBLAS: its FMA kernels and its own blocking, so the
// rounding differs from the exact path (by at most 2 gamma_K |A||B| per element, see gemm.hpp).
void blas(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, std::size_t M, std::size_t N, std::size_t K,
          const float* A, std::size_t lda, const float* B, std::size_t ldb, float* C,
          bool accumulate) {
  if (M == 0 || N == 0) return;
  if (K == 0) {  // BLAS leaves C alone only for beta = 1; match the exact path's zeros
    if (!accumulate) std::memset(C, 0, M * N * sizeof(float));
    return;
  }
  cblas_sgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), 1.0f, A, int(lda), B, int(ldb),
              accumulate ? 1.0f : 0.0f, C, int(N));
}
#endif

bool fast() {
#if INITSCOPE_BLAS
  return g_mode.load(std::memory_order_relaxed) == GemmMode::fast;
#else
  return false;
#endif
}

}  // namespace

bool fast_gemm_available() { return INITSCOPE_BLAS != 0; }

void set_gemm_mode(GemmMode mode) {
  if (mode == GemmMode::fast && !fast_gemm_available())
    throw std::invalid_argument(
        "gemm = fast is not available: this build has no OpenBLAS (install libopenblas-dev, "
        "run scripts/setup.sh native and rebuild)");
  g_mode.store(mode);
}

GemmMode gemm_mode() { return g_mode.load(); }

void set_gemm_threads(int threads) {
  if (threads < 1) throw std::invalid_argument("gemm threads must be >= 1");
#if INITSCOPE_BLAS
  openblas_set_num_threads(threads);
#endif
}

const char* to_string(GemmMode mode) { return mode == GemmMode::fast ? "fast" : "exact"; }

bool exact_kernel_supported(ExactKernel kernel) { return cpu_has(kernel); }

void set_exact_kernel(ExactKernel kernel) {
  if (!cpu_has(kernel)) throw std::invalid_argument("this CPU cannot run that exact GEMM kernel");
  g_exact.store(kernel);
}

ExactKernel exact_kernel() { return g_exact.load(); }

const char* to_string(ExactKernel kernel) {
  return kernel == ExactKernel::avx2 ? "avx2" : "portable";
}

// C[M][N] (+)= A[M][K] . B[N][K]^T
void gemm_nt(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C,
             bool accumulate) {
#if INITSCOPE_BLAS
  if (fast()) return blas(CblasNoTrans, CblasTrans, M, N, K, A, K, B, K, C, accumulate);
#endif
  exact(M, N, K, View{A, K, 1}, View{B, K, 1}, C, accumulate);
}

// C[M][N] (+)= A[K][M]^T . B[K][N]
void gemm_tn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C,
             bool accumulate) {
#if INITSCOPE_BLAS
  if (fast()) return blas(CblasTrans, CblasNoTrans, M, N, K, A, M, B, N, C, accumulate);
#endif
  exact(M, N, K, View{A, 1, M}, View{B, 1, N}, C, accumulate);
}

// C[M][N] (+)= A[M][K] . B[K][N]
void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C,
             bool accumulate) {
#if INITSCOPE_BLAS
  if (fast()) return blas(CblasNoTrans, CblasNoTrans, M, N, K, A, K, B, N, C, accumulate);
#endif
  exact(M, N, K, View{A, K, 1}, View{B, 1, N}, C, accumulate);
}

// ---------------------------------------------------------------------------------------------
// References: plain triple loops, double accumulation, C overwritten.
namespace reference {

void gemm_nt(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B,
             float* C) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < K; ++k) s += double(A[i * K + k]) * double(B[j * K + k]);
      C[i * N + j] = static_cast<float>(s);
    }
}

void gemm_tn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B,
             float* C) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < K; ++k) s += double(A[k * M + i]) * double(B[k * N + j]);
      C[i * N + j] = static_cast<float>(s);
    }
}

void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B,
             float* C) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < K; ++k) s += double(A[i * K + k]) * double(B[k * N + j]);
      C[i * N + j] = static_cast<float>(s);
    }
}

}  // namespace reference
}  // namespace initscope
