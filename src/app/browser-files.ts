/**
 * Files in the browser: what the user uploaded (kept by name, so a config's data.path can name it), drawn
 * points (their path holds them: src/app/drawn-points.ts) and the app's own files (the shipped digits) fetched
 * from the server. Downloads go through a Blob.
 */
import type { ReadText } from '../data/create';
import { drawnPoints, isDrawnPath, pointsCsv } from './drawn-points';

export const UPLOAD_PREFIX = 'upload:';

/**
 * A config names an upload this tab does not hold: a link copied from the tab that uploaded it. Its message is
 * for the page as it is (no error name before it): what happened and what to do.
 */
export class UploadNotInTabError extends Error {
  override name = 'UploadNotInTabError';

  constructor(
    /** The file's name as it was uploaded. */
    readonly fileName: string,
  ) {
    super(`This link trains on ${fileName}, a file uploaded in another tab: uploaded files do not travel in links. Upload ${fileName} again here to run it.`);
  }
}

export class BrowserFiles {
  private readonly uploads = new Map<string, string>();

  /** Keeps an uploaded file's text; returns the path a config names it by (a drawn path is its own: nothing to keep). */
  add(name: string, text: string): string {
    if (isDrawnPath(name)) return name;
    const path = `${UPLOAD_PREFIX}${name}`;
    this.uploads.set(path, text);
    return path;
  }

  readonly readText: ReadText = async (path) => {
    const uploaded = this.uploads.get(path);
    if (uploaded !== undefined) return uploaded;
    if (isDrawnPath(path)) return pointsCsv(drawnPoints(path));
    if (path.startsWith(UPLOAD_PREFIX)) throw new UploadNotInTabError(path.slice(UPLOAD_PREFIX.length));
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
