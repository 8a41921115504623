import type { ParsedParamsOf, ReplyOf, RequestName } from '@shared/contract'
import type { EngineContext } from '../context'

export type Handler<N extends RequestName> = (
  params: ParsedParamsOf<N>,
  ctx: EngineContext,
) => Promise<ReplyOf<N>> | ReplyOf<N>

/** Handlers for some of the contract's requests. */
export type HandlerTable<N extends RequestName> = { [K in N]: Handler<K> }

/** Handlers for all of them: a request without a handler is a compile error. */
export type Handlers = HandlerTable<RequestName>
