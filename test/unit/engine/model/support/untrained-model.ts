import type { ModelConfig } from '../../../../../src/main/engine/model/config'
import { publishModel, writeModelFiles } from '../../../../../src/main/engine/model/io'
import { buildVae, disposeVae } from '../../../../../src/main/engine/model/vae'

/** Publishes an untrained model of `config` (weights from `seed`) as `project`'s current one. */
export async function publishUntrainedModel(
  project: string,
  options: { generation: string; config: ModelConfig; seed: number; trainCount: number },
): Promise<void> {
  const { generation, config, seed, trainCount } = options
  const vae = buildVae(config, seed)
  await writeModelFiles(project, generation, vae)
  disposeVae(vae)
  await publishModel(project, {
    format: 1,
    generation,
    config,
    loss: 'squared',
    beta: 1,
    epochsDone: 0,
    steps: 0,
    datasetHash: 'test',
    trainCount,
    holdout: 0,
    backend: 'cpu',
    seed,
    savedAt: new Date().toISOString(),
    lastLosses: null,
  })
}
