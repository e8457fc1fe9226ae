/**
 * Vendors' fp32 (non-tensor) peak figures from their spec sheets, matched on the adapter description
 * (Dawn in Node reports the device name, e.g. "nvidia hopper (NVIDIA H100 80GB HBM3)"). They are the
 * vendors' numbers at boost clock, not measurements: the bench prints them beside its own FMA microkernel's.
 * Most specific pattern first (H100 PCIe before H100).
 */
export interface SpecPeak {
  readonly name: string;
  readonly tflops: number;
}

const SPEC_PEAKS: readonly (SpecPeak & { readonly pattern: RegExp })[] = [
  { pattern: /\bh100\b.*\bpcie\b/i, name: 'NVIDIA H100 PCIe', tflops: 51 },
  { pattern: /\bh100\b.*\bnvl\b/i, name: 'NVIDIA H100 NVL', tflops: 60 },
  { pattern: /\bh100\b/i, name: 'NVIDIA H100 SXM', tflops: 67 },
  { pattern: /\bh200\b.*\bnvl\b/i, name: 'NVIDIA H200 NVL', tflops: 60 },
  { pattern: /\bh200\b/i, name: 'NVIDIA H200 SXM', tflops: 67 },
  { pattern: /\ba100\b/i, name: 'NVIDIA A100', tflops: 19.5 },
  { pattern: /\bl40s\b/i, name: 'NVIDIA L40S', tflops: 91.6 },
  { pattern: /\bl4\b/i, name: 'NVIDIA L4', tflops: 30.3 },
  { pattern: /\bt4\b/i, name: 'NVIDIA T4', tflops: 8.1 },
  { pattern: /\brtx 4090\b/i, name: 'NVIDIA GeForce RTX 4090', tflops: 82.6 },
  { pattern: /\brtx 3090\b/i, name: 'NVIDIA GeForce RTX 3090', tflops: 35.6 },
];

/** The vendor's fp32 peak for a known GPU named in the adapter description, else undefined. */
export function specPeak(adapterDescription: string): SpecPeak | undefined {
  const found = SPEC_PEAKS.find((entry) => entry.pattern.test(adapterDescription));
  return found ? { name: found.name, tflops: found.tflops } : undefined;
}
