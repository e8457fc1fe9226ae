import { afterEach, describe, expect, it } from 'vitest';
import { THEME_STORAGE_KEY, ThemeController } from '../../../src/ui/controllers/theme-controller';
import { detachedHost } from './test-host';

describe('ThemeController', () => {
  afterEach(() => {
    localStorage.removeItem(THEME_STORAGE_KEY);
    delete document.documentElement.dataset.theme;
    document.querySelectorAll('controller-test-host').forEach((host) => host.remove());
  });

  it("applies the stored theme on connect, and leaves the root alone for 'auto'", () => {
    const auto = new ThemeController(detachedHost());
    expect(auto.theme).toBe('auto');
    localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    const host = detachedHost();
    const theme = new ThemeController(host);
    expect(theme.theme).toBe('dark');
    expect(document.documentElement.dataset.theme).toBeUndefined(); // not before connect
    document.body.append(host);
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('stores and applies a choice, re-renders the host and tells it to redraw; auto removes the attribute', async () => {
    const host = detachedHost();
    document.body.append(host);
    await host.updateComplete;
    let redraws = 0;
    const theme = new ThemeController(host, () => redraws++);
    theme.choose('light');
    expect(host.isUpdatePending).toBe(true);
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
    theme.choose('auto');
    expect('theme' in document.documentElement.dataset).toBe(false);
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('auto');
    expect(redraws).toBe(2);
  });
});
