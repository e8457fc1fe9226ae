/** The settings of one linear-logistic run (docs/science.md section 6), as the GPU kernel and its float64 twin read them. */

/** Update rule of one run: 'gd' steps along grad L, 'normalized-gd' along grad L / L. */
export type LinearRule = 'gd' | 'normalized-gd';

export interface LinearRunSettings {
  readonly rule: LinearRule;
  readonly learningRate: number;
  /** Heavy-ball coefficient beta in [0, 1); 0 for none. */
  readonly momentum: number;
}
