/**
 * float64 twin of the batched matmul: C[b][i][j] = epilogue( sum_t op(A[b])[i][t] * op(B[b])[t][j] ),
 * op = identity or transpose, row-major storage, written directly from the definition.
 */

export interface MatmulFloat64Shape {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

export interface MatmulFloat64Options {
  /** A is stored [batch x K x M]. */
  readonly transA?: boolean;
  /** B is stored [batch x N x K]. */
  readonly transB?: boolean;
  /** 'relu': relu(sum); 'bias-relu': relu(sum + bias[j]). */
  readonly epilogue?: 'none' | 'relu' | 'bias-relu';
  /** [N], used only by 'bias-relu'. */
  readonly bias?: ArrayLike<number>;
  /**
   * The 'relu-grad' operand: op(A)[i][t] becomes gate[b][t] 1[op(A)[i][t] > 0] and C is multiplied by
   * scale[b] rowScale[b][i] (gate [batch x K], rowScale [batch x M], scale [batch]; with the epilogue 'none').
   */
  readonly reluGrad?: { readonly gate: ArrayLike<number>; readonly rowScale: ArrayLike<number>; readonly scale: ArrayLike<number> };
}

export function matmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  shape: MatmulFloat64Shape,
  options: MatmulFloat64Options = {},
): Float64Array {
  const { batch, m, n, k } = shape;
  const { transA = false, transB = false, epilogue = 'none', bias, reluGrad } = options;
  if (reluGrad && (epilogue !== 'none' || reluGrad.gate.length !== batch * k || reluGrad.rowScale.length !== batch * m || reluGrad.scale.length !== batch)) {
    throw new Error(`reference matmul: 'relu-grad' needs the epilogue 'none', a gate of length ${batch * k}, a rowScale of length ${batch * m} and a scale of length ${batch}`);
  }
  if (epilogue === 'bias-relu' && (!bias || bias.length !== n)) {
    throw new Error(`reference matmul: 'bias-relu' needs a bias of length ${n}`);
  }
  const c = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const aBase = p * m * k;
    const bBase = p * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let t = 0; t < k; t++) {
          const stored = transA ? a[aBase + t * m + i]! : a[aBase + i * k + t]!;
          const aValue = reluGrad ? (stored > 0 ? reluGrad.gate[p * k + t]! : 0) : stored;
          const bValue = transB ? b[bBase + j * k + t]! : b[bBase + t * n + j]!;
          sum += aValue * bValue;
        }
        if (epilogue === 'bias-relu') sum += bias![j]!;
        if (reluGrad) sum *= reluGrad.scale[p]! * reluGrad.rowScale[p * m + i]!;
        c[(p * m + i) * n + j] = epilogue === 'none' ? sum : Math.max(sum, 0);
      }
    }
  }
  return c;
}
