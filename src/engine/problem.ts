/** From a validated config to the arrays a backend needs: trainer settings, initial weights, data. */
import type { ExperimentConfig } from '../config/schema';
import { teacherStudentData } from '../data/teacher-student';
import type { LossKind, Scaling, TrainableParts } from '../model/conventions';
import { initialWeights } from '../model/initialization';
import type { TrainingSet, TwoLayerTrainerConfig, TwoLayerWeights } from '../model/two-layer-trainer';
import { parseInitFile } from './init-file';

/** Reads a text file named in the config (Node: fs; browser: fetch or an uploaded file). */
export type ReadText = (path: string) => Promise<string>;

export interface Problem {
  readonly trainer: TwoLayerTrainerConfig;
  readonly init: TwoLayerWeights;
  readonly train: TrainingSet;
  readonly test?: TrainingSet;
}

export async function buildProblem(config: ExperimentConfig, readText?: ReadText): Promise<Problem> {
  const { train, test } = await buildData(config, readText);
  const inputDim = train.X.length / train.y.length;
  const { model, optimizer } = config;
  const trainer: TwoLayerTrainerConfig = {
    width: model.width,
    inputDim,
    sampleCount: train.y.length,
    scaling: model.scaling as Scaling,
    loss: config.loss as LossKind,
    alpha: model.alpha,
    hasBias: model.bias,
    trainable: model.trainable as TrainableParts,
    learningRate: optimizer.learningRate,
    ...(optimizer.batchSize !== undefined ? { batchSize: optimizer.batchSize } : {}),
    withReplacement: optimizer.withReplacement,
    seed: config.seed,
    maxStepsPerSubmit: config.stepsPerSubmit,
  };
  const init = model.init.path
    ? parseInitFile(await required(readText, 'model.init.path')(model.init.path), model.width, inputDim, model.bias, model.init.path)
    : initialWeights({ seed: config.seed, width: model.width, inputDim, hasBias: model.bias, aStd: model.init.aStd });
  return test ? { trainer, init, train, test } : { trainer, init, train };
}

async function buildData(config: ExperimentConfig, readText?: ReadText): Promise<{ train: TrainingSet; test?: TrainingSet }> {
  const data = config.data;
  switch (data.kind) {
    case 'teacher-student': {
      const total = data.sampleCount + data.testCount;
      const all = teacherStudentData({ seed: config.seed, sampleCount: total, inputDim: data.inputDim, teacherWidth: data.teacherWidth });
      const d = data.inputDim;
      const split = (from: number, to: number): TrainingSet => ({ X: all.X.slice(from * d, to * d), y: all.y.slice(from, to) });
      return data.testCount > 0 ? { train: split(0, data.sampleCount), test: split(data.sampleCount, total) } : { train: split(0, total) };
    }
    case 'csv': {
      throw new Error(`csv data (${data.path}) needs the CSV reader${readText ? '' : ' and a file reader'}`);
    }
  }
}

function required(readText: ReadText | undefined, field: string): ReadText {
  if (!readText) throw new Error(`${field} names a file, but this environment gave no way to read files`);
  return readText;
}
