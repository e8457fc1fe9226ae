/**
 * `gradflow metrics`: every metric the registry declares, one line each, with the model kinds that log it,
 * its unit, what one value costs and what it is, so a user can pick metrics.names without reading the source.
 */
import { METRIC_COSTS, METRIC_NAMES, metricDeclaration, type ModelKindName } from '../metrics/registry';

/** The listing's lines: a header, one line per metric `kind` logs (every metric without a kind), then the cost classes. */
export function metricListing(kind?: ModelKindName): string[] {
  const names = METRIC_NAMES.filter((name) => kind === undefined || metricDeclaration(name).kinds.includes(kind));
  const rows = names.map((name) => {
    const { kinds, unit, cost, description } = metricDeclaration(name);
    return [name, kinds.join(','), unit === '' ? '-' : unit, cost, description];
  });
  const header = ['name', 'kinds', 'unit', 'cost', 'description'];
  const widths = header.slice(0, -1).map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column < widths.length ? cell.padEnd(widths[column]!) : cell)).join('  ');
  const costs = Object.entries(METRIC_COSTS).map(([cost, meaning]) => `  ${cost}: ${meaning}`);
  return [line(header), ...rows.map(line), '', 'cost:', ...costs];
}
