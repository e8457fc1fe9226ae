/**
 * The WGSL template tag (`#if ${flag}` ... `#endif`). Never write a hash sign anywhere else in
 * WGSL text, comments included: the preprocessor reads every one as a directive.
 */
export { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
