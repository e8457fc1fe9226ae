/**
 * What this process can still allocate, for the pre-flight host check (preflight.ts). The module is bundled for
 * the page too, so it reaches Node's APIs through globalThis.process at run time and never imports node:*.
 */
import type { HostBudget } from './preflight';

/** The memory a page assumes where the browser does not say (navigator.deviceMemory is Chrome's, in GiB). */
const DEFAULT_PAGE_GIB = 4;

interface NodeProcess {
  availableMemory?(): number;
  getBuiltinModule?(id: string): unknown;
}

interface HeapStatistics {
  readonly heap_size_limit: number;
  readonly used_heap_size: number;
}

/**
 * Node: free memory as the process sees it (process.availableMemory, which respects a container's limit) and the
 * heap's room below its limit (v8.getHeapStatistics). A page: navigator.deviceMemory, the device's memory rounded
 * down (at most 8 GiB), and Chrome's performance.memory for the heap; without them DEFAULT_PAGE_GIB and no heap limit.
 */
export function availableHostBudget(): HostBudget {
  const node = (globalThis as { process?: NodeProcess }).process;
  if (typeof node?.availableMemory === 'function') {
    const v8 = node.getBuiltinModule?.('node:v8') as { getHeapStatistics(): HeapStatistics } | undefined;
    const heap = v8?.getHeapStatistics();
    return { availableBytes: node.availableMemory(), heapBytes: heap ? heap.heap_size_limit - heap.used_heap_size : Infinity };
  }
  const deviceGiB = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory ?? DEFAULT_PAGE_GIB;
  const memory = (globalThis.performance as { memory?: { jsHeapSizeLimit: number; usedJSHeapSize: number } } | undefined)?.memory;
  return { availableBytes: deviceGiB * 2 ** 30, heapBytes: memory ? memory.jsHeapSizeLimit - memory.usedJSHeapSize : Infinity };
}
