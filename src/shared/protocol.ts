/**
 * The messages that carry the contract over any transport (MessagePort,
 * child-process channel, WebSocket).
 */
import type { EventName, PayloadOf, RequestName } from './contract'

export interface RequestMessage {
  kind: 'request'
  id: number
  name: RequestName | string
  params: unknown
}

/** Machine-readable reason of a failed request; `message` is written for the user. */
export type ErrorCode =
  | 'bad_request'
  | 'unknown_request'
  | 'not_found'
  | 'conflict'
  | 'failed'
  | 'timeout'
  | 'disconnected'

export interface ErrorBody {
  code: ErrorCode
  message: string
}

export type ReplyMessage =
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: ErrorBody }

export type EventMessage<E extends EventName = EventName> = {
  kind: 'event'
  name: E
  payload: PayloadOf<E>
}

export type ClientMessage = RequestMessage
export type EngineMessage = ReplyMessage | EventMessage

/** An error that crossed the boundary; `message` is meant for the user. */
export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'EngineError'
  }
}

/**
 * Envelopes between the engine's process and whoever started it (Electron main or the web
 * host), around the messages above.
 */
/** Engine to its starter: it is listening. */
export interface ReadyEnvelope {
  ready: true
}

/** Electron main to the engine: the MessagePort sent with this is a new connection. */
export interface ConnectEnvelope {
  connect: true
}

/** Web host and engine, both ways: which socket a message belongs to ('*': every socket). */
export interface ConnEnvelope<M = ClientMessage | EngineMessage> {
  conn: string
  message: M
}

/** Anything the engine's process sends to its starter. */
export type EngineEnvelope = ReadyEnvelope | ConnEnvelope<EngineMessage>

export function isReadyEnvelope(raw: unknown): raw is ReadyEnvelope {
  return typeof raw === 'object' && raw !== null && (raw as { ready?: unknown }).ready === true
}
