/**
 * Files in the browser: what the user uploaded (kept by name, so a config's data.path can name it)
 * and the app's own files (the shipped digits) fetched from the server. Downloads go through a Blob.
 */
import type { ReadText } from '../data/create';

export const UPLOAD_PREFIX = 'upload:';

export class BrowserFiles {
  private readonly uploads = new Map<string, string>();

  /** Keeps an uploaded file's text; returns the path a config names it by. */
  add(name: string, text: string): string {
    const path = `${UPLOAD_PREFIX}${name}`;
    this.uploads.set(path, text);
    return path;
  }

  readonly readText: ReadText = async (path) => {
    const uploaded = this.uploads.get(path);
    if (uploaded !== undefined) return uploaded;
    if (path.startsWith(UPLOAD_PREFIX)) throw new Error(`${path.slice(UPLOAD_PREFIX.length)} is not uploaded in this tab: upload it again (files do not travel in links)`);
    const response = await fetch(new URL(path, document.baseURI));
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${response.statusText}`);
    return response.text();
  };
}

/** Saves `content` as a file named `name` through a temporary link. */
export function download(name: string, content: string | Blob, type = 'text/plain'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A data URL (PNG from a view) as a download. */
export function downloadDataUrl(name: string, dataUrl: string): void {
  const link = Object.assign(document.createElement('a'), { href: dataUrl, download: name });
  document.body.append(link);
  link.click();
  link.remove();
}
