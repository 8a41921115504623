import type { FollowOptions, Run } from '@shared/client'
import type {
  EventName,
  Job,
  JobKind,
  ParamsOf,
  PayloadOf,
  ReplyOf,
  RequestName,
} from '@shared/contract'

/** A job started through `run`, which the test ends with `finish`. */
export interface StartedRun {
  name: string
  params: unknown
  options?: FollowOptions<unknown>
  job: Job
  finish(last: Partial<Job>): void
}

type Answer = (params: never) => unknown

/**
 * The renderer's engine store played by a test: requests are answered by what the test said
 * (`answer`), any other request fails in words; jobs started with `run` wait for `finish`;
 * events are sent with `emit`. Every request and run is recorded. A test file puts it in place of
 * the store with
 * `vi.mock('<path to>/engine/engine.svelte', async () => ({ engine: (await import('../support/fake-engine')).fakeEngine }))`.
 */
export class FakeEngine {
  connection = 'connected'
  requests: { name: string; params: unknown }[] = []
  runs: StartedRun[] = []
  private answers = new Map<string, Answer>()
  private listeners = new Map<string, Set<(payload: unknown) => void>>()

  /** Answers every later `name` request with `reply(params)` (a throw is the engine's error). */
  answer<N extends RequestName>(
    name: N,
    reply: (params: ParamsOf<N>) => ReplyOf<N> | Promise<ReplyOf<N>>,
  ): void {
    this.answers.set(name, reply as Answer)
  }

  request = async (name: string, params: unknown): Promise<unknown> => {
    this.requests.push({ name, params })
    const reply = this.answers.get(name)
    if (!reply) throw new Error(`the fake engine was not told how to answer ${name}`)
    return (reply as (params: unknown) => unknown)(params)
  }

  run = (name: string, params: unknown, options?: FollowOptions<unknown>): Run<unknown> => {
    const job = jobSnapshot({ id: `job-${this.runs.length + 1}`, kind: kindOf(name) })
    let end: (last: Job) => void = () => {}
    const done = new Promise<Job>((resolve) => (end = resolve))
    this.runs.push({
      name,
      params,
      options,
      job,
      finish: (last) => {
        const snapshot = { ...job, state: 'done' as const, updatedAt: job.updatedAt + 1, ...last }
        options?.onProgress?.(snapshot)
        end(snapshot)
      },
    })
    return { job: Promise.resolve(job), done }
  }

  /** Following a job found running: it never ends unless the test ends it through `runs`. */
  follow = (): Promise<Job> => new Promise(() => {})

  on = (name: string, listener: (payload: unknown) => void): (() => void) => {
    const set = this.listeners.get(name) ?? new Set()
    set.add(listener)
    this.listeners.set(name, set)
    return () => set.delete(listener)
  }

  emit<E extends EventName>(name: E, payload: PayloadOf<E>): void {
    for (const listener of this.listeners.get(name) ?? []) listener(payload)
  }

  /** How many `name` requests were made. */
  asked(name: string): number {
    return this.requests.filter((r) => r.name === name).length
  }

  /** The params of the last `name` request. */
  lastParams(name: string): unknown {
    return this.requests.filter((r) => r.name === name).at(-1)?.params
  }

  /** Forgets the answers, requests and runs (listeners stay: the stores registered them once). */
  reset(): void {
    this.answers.clear()
    this.requests = []
    this.runs = []
  }
}

export const fakeEngine = new FakeEngine()

/** A job snapshot, running unless `over` says otherwise. */
export function jobSnapshot(over: Partial<Job> = {}): Job {
  return {
    id: 'job-1',
    kind: 'ingest',
    title: 'A job',
    state: 'running',
    progress: null,
    message: 'working',
    error: null,
    createdAt: 0,
    updatedAt: 1,
    ...over,
  }
}

const KINDS: Record<string, JobKind> = {
  'dataset.ingest': 'ingest',
  'train.start': 'train',
  'map.project': 'project',
  'create.export': 'export',
}

function kindOf(name: string): JobKind {
  const kind = KINDS[name]
  if (!kind) throw new Error(`the fake engine does not run ${name} as a job`)
  return kind
}

/** Lets the promises already settled run their handlers. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))
