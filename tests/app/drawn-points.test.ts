import { describe, expect, it } from 'vitest';
import { BrowserFiles, UPLOAD_PREFIX, UploadNotInTabError } from '../../src/app/browser-files';
import { DRAWN_PREFIX, DrawnPathError, drawnPath, drawnPoints, MAX_DRAWN_COORDINATE, pointsCsv, type DrawnPoint } from '../../src/app/drawn-points';

/** Points as clicks give them: anywhere in the drawing box [-1.5, 1.5]^2, any number of decimals. */
const CLICKS: DrawnPoint[] = [
  { x: -0.75, y: 0.75, label: 1 },
  { x: 1.5, y: -1.5, label: -1 },
  { x: 0.123456, y: -0.00006, label: 1 },
  { x: -1.5, y: 1.5, label: -1 },
  { x: 0, y: 0, label: 1 },
];

describe('drawn points in the data path (they travel in links)', () => {
  it('holds the points to the CSV\'s 4 decimals: the CSV read back is the one drawn', () => {
    const path = drawnPath(CLICKS);
    expect(path.startsWith(DRAWN_PREFIX)).toBe(true);
    expect(path.slice(DRAWN_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/); // nothing a URL must escape
    expect(pointsCsv(drawnPoints(path))).toBe(pointsCsv(CLICKS));
    expect(drawnPoints(path)[0]).toEqual({ x: -0.75, y: 0.75, label: 1 });
    expect(drawnPoints(drawnPath([]))).toEqual([]);
  });

  it('takes about 5.3 characters a point', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ x: Math.sin(i) * 1.5, y: Math.cos(3 * i) * 1.5, label: i % 3 === 0 ? -1 : 1 }));
    expect(drawnPath(many).length - DRAWN_PREFIX.length).toBeLessThanOrEqual(Math.ceil((100 * 4 * 4) / 3));
    expect(pointsCsv(drawnPoints(drawnPath(many)))).toBe(pointsCsv(many));
  });

  it('refuses what it cannot hold, and says so of a damaged link', () => {
    expect(() => drawnPath([{ x: MAX_DRAWN_COORDINATE + 0.001, y: 0, label: 1 }])).toThrow(/outside/);
    expect(() => drawnPath([{ x: 0, y: 0, label: 0 }])).toThrow(/label must be \+1 or -1/);
    const path = drawnPath(CLICKS);
    expect(() => drawnPoints(path.slice(0, -3))).toThrow(DrawnPathError);
    expect(() => drawnPoints(`${path}%`)).toThrow(/characters base64url has not/);
    expect(() => drawnPoints('upload:x.csv')).toThrow(/not a drawn-points path/);
  });

  it('are read by BrowserFiles in any tab; an upload of another tab is a plain UploadNotInTabError', async () => {
    const files = new BrowserFiles();
    const path = drawnPath(CLICKS);
    expect(files.add(path, pointsCsv(CLICKS))).toBe(path);
    expect(await new BrowserFiles().readText(path)).toBe(pointsCsv(CLICKS));
    expect(files.add('points.csv', 'x0,x1,y\n0,0,1\n')).toBe(`${UPLOAD_PREFIX}points.csv`);
    expect(await files.readText(`${UPLOAD_PREFIX}points.csv`)).toBe('x0,x1,y\n0,0,1\n');
    const missing = await new BrowserFiles().readText(`${UPLOAD_PREFIX}points.csv`).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(UploadNotInTabError);
    expect((missing as UploadNotInTabError).fileName).toBe('points.csv');
    expect((missing as Error).message).toMatch(/points\.csv.*uploaded files do not travel in links.*Upload points\.csv again/);
  });
});
