// The fuzzer's HTTP client: sends one request, and turns every answer the apiserver must never
// give (a 5xx, an error that is not a Status, a dropped connection) into a Finding that carries
// a reproducer (the request as a curl command, its body in base64).
import { Agent, request, type Dispatcher } from 'undici';
import { parse as parseYaml } from 'yaml';
import { decodeMsgpack, MSGPACK_MEDIA_TYPE } from '../../lib/api/msgpack.js';
import { decodeProtobufResponse } from '../../lib/api/protobuf/decode.js';
import { PROTOBUF_MEDIA_TYPE } from '../../lib/api/protobuf/envelope.js';

export const READ_FORMATS = ['json', 'msgpack', 'protobuf'] as const;
export type ReadFormat = (typeof READ_FORMATS)[number] | 'yaml';

/** The formats a kind can be read in: not protobuf for kinds without a protobuf form (CustomResourceDefinitions). */
export function formatsOf<F extends ReadFormat>(info: { protobuf?: false }, formats: readonly F[]): F[] {
  return formats.filter((format) => format !== 'protobuf' || info.protobuf !== false);
}

export const ACCEPT: Record<ReadFormat, string> = {
  json: 'application/json',
  yaml: 'application/yaml',
  msgpack: MSGPACK_MEDIA_TYPE,
  protobuf: PROTOBUF_MEDIA_TYPE,
};

export interface FuzzRequest {
  method: string;
  path: string;
  contentType?: string;
  accept?: string;
  body?: Buffer;
}

export interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

/** A request and what the server did with it, when that breaks an invariant. */
export class Finding extends Error {
  constructor(what: string, sent?: FuzzRequest, answer?: Answer) {
    const parts = [what];
    if (sent) parts.push(`request: ${reproducer(sent)}`);
    if (answer) parts.push(`answer: ${answer.status} ${answer.contentType} ${printable(answer.body)}`);
    super(parts.join('\n'));
    this.name = 'Finding';
  }
}

function printable(body: Buffer, max = 2000): string {
  const text = body.toString('utf8');
  const readable = Buffer.from(text, 'utf8').equals(body) && !/[\u0000-\u0008\u000e-\u001f]/.test(text);
  const shown = readable ? text : `base64:${body.toString('base64')}`;
  return shown.length > max ? `${shown.slice(0, max)}… (${body.length} bytes)` : shown;
}

/** The request as a shell command against a server at $APISERVER with $TOKEN. */
export function reproducer(sent: FuzzRequest): string {
  const headers = [`-H 'authorization: Bearer '"$TOKEN"`];
  if (sent.contentType) headers.push(`-H 'content-type: ${sent.contentType}'`);
  if (sent.accept) headers.push(`-H 'accept: ${sent.accept}'`);
  const body = sent.body === undefined ? '' : ` --data-binary @<(echo '${sent.body.toString('base64')}' | base64 -d)`;
  const command = `curl -sk -X ${sent.method} ${headers.join(' ')}${body} "$APISERVER${sent.path}"`;
  return command.length > 6000 ? `${command.slice(0, 6000)}… (body of ${sent.body?.length ?? 0} bytes)` : command;
}

/** The object an answer carries, in whatever format it came. */
export function decodeAnswer(answer: Pick<Answer, 'contentType' | 'body'>): unknown {
  const type = answer.contentType.split(';')[0]!.trim();
  if (type === PROTOBUF_MEDIA_TYPE) return decodeProtobufResponse(answer.body);
  if (type === MSGPACK_MEDIA_TYPE) return decodeMsgpack(answer.body);
  if (type === 'application/yaml') return parseYaml(answer.body.toString('utf8'));
  return JSON.parse(answer.body.toString('utf8')) as unknown;
}

/** The message of an error answer (a Status), or "" when it has none. */
export function statusMessage(answer: Answer): string {
  try {
    const status = decodeAnswer(answer) as { message?: unknown };
    return typeof status?.message === 'string' ? status.message : '';
  } catch {
    return '';
  }
}

function checkStatus(sent: FuzzRequest, answer: Answer): void {
  let status: { kind?: unknown; code?: unknown };
  try {
    status = decodeAnswer(answer) as typeof status;
  } catch (error) {
    throw new Finding(`a ${answer.status} answer that cannot be read: ${(error as Error).message}`, sent, answer);
  }
  if (status?.kind !== 'Status' || status.code !== answer.status) throw new Finding(`a ${answer.status} answer that is not a Status with that code`, sent, answer);
}

/**
 * The one 5xx Kubernetes gives on purpose: an admission webhook configured with failurePolicy Fail
 * that cannot be called (the fuzz creates every stored kind, webhook configurations included, and
 * their webhooks point nowhere) is a 500 InternalError "failed calling webhook", as kube-apiserver
 * answers it. The write was refused; nothing of it is stored.
 */
function webhookUnreachable(answer: Answer): boolean {
  if (answer.status !== 500 || !answer.contentType.startsWith('application/json')) return false;
  try {
    const status = JSON.parse(answer.body.toString('utf8')) as { kind?: string; reason?: string; message?: string };
    return status.kind === 'Status' && status.reason === 'InternalError' && (status.message ?? '').startsWith('Internal error occurred: failed calling webhook "');
  } catch {
    return false;
  }
}

export class FuzzClient {
  private readonly agent = new Agent({ connections: 8, keepAliveTimeout: 30_000 });

  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  /** Sends the request; a 5xx, a non-Status error or a broken connection is a Finding. */
  async send(sent: FuzzRequest): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: sent.accept ?? 'application/json' };
    if (sent.contentType !== undefined) headers['content-type'] = sent.contentType;
    let answer: Answer;
    try {
      const res = await request(`${this.url}${sent.path}`, { method: sent.method as Dispatcher.HttpMethod, headers, body: sent.body, dispatcher: this.agent });
      const body = Buffer.from(await res.body.arrayBuffer());
      answer = { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body };
    } catch (error) {
      throw new Finding(`the request failed: ${(error as Error).message}`, sent);
    }
    if (answer.status >= 500 && !webhookUnreachable(answer)) throw new Finding(`a ${answer.status} answer`, sent, answer);
    if (answer.status >= 400) checkStatus(sent, answer);
    return answer;
  }

  /** GET in one format; anything but a 200 is a Finding. */
  async read(path: string, format: ReadFormat): Promise<unknown> {
    const sent: FuzzRequest = { method: 'GET', path, accept: ACCEPT[format] };
    const answer = await this.send(sent);
    if (answer.status !== 200) throw new Finding(`reading back answered ${answer.status}`, sent, answer);
    try {
      return decodeAnswer(answer);
    } catch (error) {
      throw new Finding(`reading back as ${format} gave bytes that do not decode: ${(error as Error).message}`, sent, answer);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
