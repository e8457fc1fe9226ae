/** PNG buttons: each saves the drawing of the view or chart in its own section of the page. */
import { downloadDataUrl } from '../../app/browser-files';

/** Saves as `fileName` the PNG of the element matching `selector` in the clicked button's `.view` or `.chart`. */
export async function saveSectionPng(event: Event, selector: string, fileName: string): Promise<void> {
  const section = (event.currentTarget as HTMLElement).closest('.view, .chart')!;
  const element = section.querySelector(selector) as HTMLElement & { toPng(): Promise<string> };
  downloadDataUrl(fileName, await element.toPng());
}
