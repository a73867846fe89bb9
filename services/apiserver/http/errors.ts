// Every failure leaves the apiserver as a Kubernetes Status object with the matching code:
// StatusErrors as they are, Fastify's body errors as 400/413/415, unknown paths as 404, and
// anything unexpected as a 500 — never a crash, never an HTML page. Client errors are the
// client's business and are logged at info; only a 5xx is logged as the server's error.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_OBJECT_BYTES } from '../../../lib/api/json-value.js';
import { wantsProtobufStatus } from '../../../lib/api/negotiate.js';
import { encodeProtobufObject } from '../../../lib/api/protobuf/encode.js';
import { PROTOBUF_MEDIA_TYPE } from '../../../lib/api/protobuf/envelope.js';
import { errors, isStatusError, type Status, StatusError } from '../../../lib/api/status.js';
import { StoreError } from '../../../lib/native/store.js';

export const MAX_BODY_BYTES = MAX_OBJECT_BYTES;

function fromFastify(error: FastifyError): StatusError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.tooLarge(MAX_BODY_BYTES);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return errors.unsupportedMediaType(error.message.replace(/^Unsupported Media Type: ?/, ''));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.badRequest('the request body is empty; expected a JSON or YAML object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.badRequest('the request body does not match its Content-Length');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.badRequest(`the request body is not valid JSON: ${error.message}`);
    default:
      break;
  }
  if (error.validation) return errors.badRequest(error.message);
  if (error instanceof SyntaxError || error.statusCode === 400) return errors.badRequest(`the request body is not valid JSON: ${error.message}`);
  if (error.statusCode === 413) return errors.tooLarge(MAX_BODY_BYTES);
  if (error.statusCode === 415) return errors.unsupportedMediaType(String(error.message));
  return undefined;
}

/** Writes a Status as JSON, or as protobuf to a client that reads only protobuf (as Kubernetes negotiates errors too). */
export function sendStatus(reply: FastifyReply, status: Status): FastifyReply {
  reply.code(status.code);
  if (wantsProtobufStatus(reply.request.headers.accept)) return reply.type(PROTOBUF_MEDIA_TYPE).send(encodeProtobufObject(status));
  return reply.type('application/json').send(JSON.stringify(status));
}

export function toStatusError(error: unknown): StatusError | undefined {
  if (isStatusError(error)) return error;
  // A replica without a quorum: the client may retry (the write may or may not have happened).
  if (error instanceof StoreError && error.code === 'Unavailable') return errors.unavailable(error.message);
  // A store closing under a request (the apiserver is stopping): the client retries elsewhere.
  if (error instanceof StoreError && error.code === 'Closed') return errors.unavailable(error.message);
  if (error instanceof StoreError && error.code === 'InvalidArgument') return errors.badRequest(error.message);
  if (error && typeof error === 'object' && 'code' in error && typeof (error as FastifyError).code === 'string') {
    return fromFastify(error as FastifyError);
  }
  return undefined;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = toStatusError(error);
    if (known) {
      if (known.code >= 500) request.log.warn({ code: known.code, reason: known.reason, message: known.message }, 'request failed');
      else request.log.info({ code: known.code, reason: known.reason, message: known.message }, 'request refused');
      return sendStatus(reply, known.status);
    }
    request.log.error({ err: error }, 'request failed');
    return sendStatus(reply, errors.internal((error as Error)?.message ?? String(error)).status);
  });
  app.setNotFoundHandler((_request, reply) => sendStatus(reply, errors.noSuchResource().status));
}
