/** An error in words for the page: its message (the remedy is in it), or the thrown value itself. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
