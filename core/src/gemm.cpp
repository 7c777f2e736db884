// gemm.cpp: the three matrix products of an MLP step (see gemm.hpp), and their naive references.
//
// Numerical contract, shared by every kernel here: each output element is a sequential float sum
// over k in increasing order, starting from C's old value (accumulate) or from 0:
//   c = c0; for k in 0..K-1: c = c + a[k] * b[k]      (no fused multiply-add: -ffp-contract=off)
// Vectorising or blocking over i and j never changes that order, so every build (native SSE/AVX,
// wasm SIMD128, scalar) gives bit-identical results: the browser matches the CLI.
#include "initscope/gemm.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

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
// Splitting k into KC blocks keeps each element's sum in order: block p > 0 continues from the
// value block p - 1 stored in C.
constexpr std::size_t kMR = 4, kNR = 8;
constexpr std::size_t kKC = 256, kMC = 32 * kMR, kNC = 128 * kNR;

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

// C[MR][NR] (+)= a . b over kc steps. Row r of a is read in place: a(r, k) = a[r][k * ks]
// (rows of A, or columns of A^T); b is a packed panel [kc][NR]. Row stride of C: ldc.
void micro_kernel(std::size_t kc, const float* const* a, std::size_t ks, const float* b, float* c,
                  std::size_t ldc, bool accumulate) {
  constexpr std::size_t NV = kNR / 4;
  v4 acc[kMR][NV];
  for (std::size_t r = 0; r < kMR; ++r)
    for (std::size_t v = 0; v < NV; ++v) acc[r][v] = accumulate ? load4(c + r * ldc + 4 * v) : v4{};
  const float* ar[kMR];
  for (std::size_t r = 0; r < kMR; ++r) ar[r] = a[r];
  for (std::size_t k = 0; k < kc; ++k, b += kNR) {
    v4 bv[NV];
    for (std::size_t v = 0; v < NV; ++v) bv[v] = load4(b + 4 * v);
    for (std::size_t r = 0; r < kMR; ++r) {
      const v4 s = splat4(*ar[r]);
      ar[r] += ks;
      for (std::size_t v = 0; v < NV; ++v) acc[r][v] += s * bv[v];
    }
  }
  for (std::size_t r = 0; r < kMR; ++r)
    for (std::size_t v = 0; v < NV; ++v) store4(c + r * ldc + 4 * v, acc[r][v]);
}

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
void blocked(std::size_t M, std::size_t N, std::size_t K, View a, View bt, float* C,
             bool accumulate) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (!accumulate) std::memset(C, 0, M * N * sizeof(float));
    return;
  }
  // Sized once per thread: a step never allocates.
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
              micro_kernel(kc, rows, ks, b, c, N, acc);
            } else {  // edge tile: through a full-size buffer
              for (std::size_t r = 0; r < mr; ++r)
                for (std::size_t j = 0; j < nr; ++j) edge[r * kNR + j] = acc ? c[r * N + j] : 0.0f;
              micro_kernel(kc, rows, ks, b, edge, kNR, true);
              for (std::size_t r = 0; r < mr; ++r)
                for (std::size_t j = 0; j < nr; ++j) c[r * N + j] = edge[r * kNR + j];
            }
          }
        }
      }
    }
  }
}

}  // namespace

// C[M][N] (+)= A[M][K] . B[N][K]^T
void gemm_nt(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C,
             bool accumulate) {
  blocked(M, N, K, View{A, K, 1}, View{B, K, 1}, C, accumulate);
}

// C[M][N] (+)= A[K][M]^T . B[K][N]
void gemm_tn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C,
             bool accumulate) {
  blocked(M, N, K, View{A, 1, M}, View{B, 1, N}, C, accumulate);
}

// C[M][N] (+)= A[M][K] . B[K][N]
void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C,
             bool accumulate) {
  blocked(M, N, K, View{A, K, 1}, View{B, 1, N}, C, accumulate);
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
