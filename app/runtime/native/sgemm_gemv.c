/* Hearth's GEMV forwarder for MLX on the Linux CPU (see app/runtime/gemv_shim.py).
 *
 * MLX's CPU matmul always calls cblas_sgemm. For a single row (decoding one token: x[1,k] times
 * a weight matrix) OpenBLAS 0.3.21 still packs the whole matrix as for a real GEMM, which makes
 * token-by-token decoding about twice as slow as a GEMV. This library is loaded globally ahead
 * of OpenBLAS, so MLX's cblas_sgemm resolves here: one-row row-major products go to OpenBLAS's
 * cblas_sgemv, everything else to OpenBLAS's cblas_sgemm unchanged. Python hands over both
 * function pointers (hearth_gemv_init) before MLX is imported. No libc: built with -nostdlib.
 */
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *,
                         int, float, float *, int);
typedef void (*sgemv_fn)(int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

static sgemm_fn real_sgemm;
static sgemv_fn real_sgemv;
static long forwarded;

void hearth_gemv_init(sgemm_fn sgemm, sgemv_fn sgemv) {
    real_sgemm = sgemm;
    real_sgemv = sgemv;
}

long hearth_gemv_forwarded(void) { return __atomic_load_n(&forwarded, __ATOMIC_RELAXED); }

void cblas_sgemm(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                 const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    if (order == ROW_MAJOR && m == 1 && n > 1 && k > 1 && real_sgemv) {
        /* c[1,n] = alpha * a[1,k] . op(b)[k,n] + beta * c[1,n] */
        int incx = trans_a == NO_TRANS ? 1 : lda;
        if (beta == 0.0f) /* never let uninitialised output (NaN bits) leak through beta * c */
            for (int i = 0; i < n; i++) c[i] = 0.0f;
        __atomic_fetch_add(&forwarded, 1, __ATOMIC_RELAXED);
        if (trans_b == NO_TRANS) /* b is k x n: c = b^T a */
            real_sgemv(ROW_MAJOR, TRANS, k, n, alpha, b, ldb, a, incx, beta, c, 1);
        else /* b is n x k: c = b a */
            real_sgemv(ROW_MAJOR, NO_TRANS, n, k, alpha, b, ldb, a, incx, beta, c, 1);
        return;
    }
    real_sgemm(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
