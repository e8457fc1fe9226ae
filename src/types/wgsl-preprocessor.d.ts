// The package has no "main"/"exports", so it is imported by file path (works in Node, tsx and Vite).
declare module 'wgsl-preprocessor/wgsl-preprocessor.js' {
  /** Template tag with `#if ${flag}` / `#elif ${flag}` / `#else` / `#endif` blocks. */
  export function wgsl(strings: TemplateStringsArray, ...values: unknown[]): string;
}
