import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema';
import { PRESETS } from '../../src/experiments/presets';
import { describeFields, isHidden, ownerOf, setAt, switchVariant, validateConfig, type FieldNode } from '../../src/ui/config-form';

function find(node: FieldNode, path: string): FieldNode | undefined {
  if (node.path === path) return node;
  return node.kind === 'group' ? node.children.map((c) => find(c, path)).find(Boolean) : undefined;
}

describe('config form from the zod schema', () => {
  const root = describeFields(configSchema, { model: { width: 64 }, optimizer: { rule: 'adam' } });

  it('maps numbers, enums, booleans, enum lists, groups and discriminated unions', () => {
    expect(find(root, 'model.width')).toMatchObject({ kind: 'number', integer: true, min: 1, value: 64, defaultValue: 256 });
    expect(find(root, 'model.width')).not.toHaveProperty('max');
    expect(find(root, 'stepsPerSubmit')).toMatchObject({ kind: 'number', max: 4096 });
    expect(find(root, 'optimizer.learningRate')).toMatchObject({ kind: 'number', integer: false, defaultValue: 0.1 });
    expect(find(root, 'model.scaling')).toMatchObject({ kind: 'enum', options: ['mean-field', 'ntk', 'standard'] });
    expect(find(root, 'online')).toMatchObject({ kind: 'boolean', defaultValue: false });
    expect(find(root, 'metrics.names')).toMatchObject({ kind: 'enum-list', defaultValue: ['loss'] });
    expect(find(root, 'model')).toMatchObject({ kind: 'group', variant: { key: 'kind', current: 'two-layer' } });
    expect(find(root, 'data')).toMatchObject({ kind: 'group', variant: { current: 'teacher-student' } });
    // A bare rule name selects its variant (the schema preprocesses 'adam' into { kind: 'adam' }).
    expect(find(root, 'optimizer.rule')).toMatchObject({ kind: 'group', variant: { current: 'adam' } });
    expect(find(root, 'optimizer.rule.beta1')?.kind).toBe('number');
    expect(find(root, 'optimizer.jko')).toMatchObject({ kind: 'group', optional: true, present: false, children: [] });
    expect(find(root, 'data.teacher.outputWeights')).toMatchObject({ kind: 'json', optional: true });
  });

  it('describes every preset\'s config', () => {
    for (const preset of PRESETS) expect(describeFields(configSchema, preset.config).kind, preset.name).toBe('group');
  });

  it('edits raw configs without mutating them', () => {
    const config = { optimizer: { rule: 'momentum' } };
    expect(setAt(config, 'optimizer.rule.beta', 0.5)).toEqual({ optimizer: { rule: { kind: 'momentum', beta: 0.5 } } });
    expect(setAt(config, 'optimizer.rule', undefined)).toEqual({ optimizer: {} });
    expect(config).toEqual({ optimizer: { rule: 'momentum' } });
    const data = find(describeFields(configSchema, { data: { kind: 'teacher-student', sampleCount: 9, teacher: { kind: 'circle' } } }), 'data')!;
    expect(switchVariant({ data: data.value } as Record<string, unknown>, data as FieldNode & { kind: 'group' }, 'xor', configSchema)).toEqual({ data: { kind: 'xor', sampleCount: 9 } });
  });

  it('turns ConfigError problems into field paths and places them at the nearest visible field', () => {
    const errors = validateConfig({ model: { width: 0 }, metrics: { names: ['loss', 'nope'] } });
    expect(errors.map((e) => e.path)).toEqual(['model.width', 'metrics.names.1']);
    expect(errors[0]!.message).toContain('got 0');
    const tree = describeFields(configSchema, {});
    expect(ownerOf(tree, 'model.width', [])?.path).toBe('model.width');
    expect(ownerOf(tree, 'metrics.names.1', [])?.path).toBe('metrics.names');
    expect(ownerOf(tree, 'model.width', ['model.width'])?.path).toBe('model');
    expect(ownerOf(tree, 'model.width', ['model'])).toBeUndefined();
    expect(ownerOf(tree, '', [])).toBeUndefined();
    expect(isHidden('data.teacher.width', ['data.teacher'])).toBe(true);
    expect(isHidden('data.teacherX', ['data.teacher'])).toBe(false);
    expect(validateConfig({})).toEqual([]);
  });
});
