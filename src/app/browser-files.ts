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

/** How the page names a config path: an upload by its file name (without the upload: prefix), any other path as it is. */
export function fileNameOf(path: string): string {
  return path.startsWith(UPLOAD_PREFIX) ? path.slice(UPLOAD_PREFIX.length) : path;
}

/** The config path an upload named `name` is kept under; drawn points' path is their own. */
export function uploadPathOf(name: string): string {
  return isDrawnPath(name) ? name : `${UPLOAD_PREFIX}${name}`;
}

export class BrowserFiles {
  private readonly uploads = new Map<string, string>();

  /** Keeps an uploaded file's text; returns the path a config names it by (a drawn path is its own: nothing to keep). */
  add(name: string, text: string): string {
    const path = uploadPathOf(name);
    if (!isDrawnPath(name)) this.uploads.set(path, text);
    return path;
  }

  /** The text this tab holds for `path` (an upload, or drawn points), without fetching: undefined for a server file or another tab's upload. */
  textInTab(path: string): string | undefined {
    const uploaded = this.uploads.get(path);
    if (uploaded !== undefined) return uploaded;
    return isDrawnPath(path) ? pointsCsv(drawnPoints(path)) : undefined;
  }

  /** `path` names a file uploaded in another tab: reading it fails with UploadNotInTabError. */
  isMissingUpload(path: string): boolean {
    return path.startsWith(UPLOAD_PREFIX) && !this.uploads.has(path);
  }

  readonly readText: ReadText = async (path) => {
    const held = this.textInTab(path);
    if (held !== undefined) return held;
    if (this.isMissingUpload(path)) throw new UploadNotInTabError(fileNameOf(path));
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
