import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';
import type { OutboundPolicy } from '../../src/domain/outboundAddress';

/** Loopback stand-ins for the remote ends of the delivery channels: an HTTP endpoint and an SMTP server. */

/**
 * What an operator sets (CHANNEL_ALLOWED_HOSTS=127.0.0.1) for channels to reach these receivers:
 * without it, the engine refuses every loopback address.
 */
export const LOOPBACK_ALLOWED: OutboundPolicy = { allowedHosts: [{ host: '127.0.0.1' }], enginePorts: [] };

export interface ReceivedRequest {
  path: string;
  query: Record<string, string>;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string | undefined>;
  rawBody: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  body: unknown;
  receivedAt: number;
}

/** A string body is sent as text/plain, anything else as JSON. */
export interface ReceiverAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface HttpReceiver {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  received: ReceivedRequest[];
  /**
   * Answer the next requests with this (default: 200 + {errcode:0,errmsg:'ok'}, which suits the
   * generic webhook and both robots). Return a promise to delay the answer, or one that never
   * settles to simulate a receiver that never answers.
   */
  respondWith(answer: (req: ReceivedRequest) => ReceiverAnswer | Promise<ReceiverAnswer>): void;
  close(): Promise<void>;
}

/** `host`: where to listen, default 127.0.0.1 (`url` names 127.0.0.1 whatever it is). */
export async function startHttpReceiver(host = '127.0.0.1'): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  let answer: (req: ReceivedRequest) => ReceiverAnswer | Promise<ReceiverAnswer> = () => ({
    status: 200,
    body: { errcode: 0, errmsg: 'ok' },
  });

  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://receiver');
      const request: ReceivedRequest = {
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: flattenHeaders(req.headers),
        rawBody,
        body: parseJson(rawBody),
        receivedAt: Date.now(),
      };
      received.push(request);
      const { status, body, headers } = await answer(request);
      const isText = typeof body === 'string';
      res.writeHead(status, {
        'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
        ...headers,
      });
      res.end(isText ? body : JSON.stringify(body));
    } catch (error) {
      // A broken answer function should fail the test visibly, not hang it.
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`receiver error: ${String(error)}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    respondWith(next) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets and requests left unanswered would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

export interface ReceivedMail {
  /** The From header as it arrived, e.g. '"Followup" <followup@example.org>'. */
  from: string;
  /** The envelope recipients (RCPT TO): who the server actually delivered to. */
  to: string[];
  subject: string;
  text: string;
  /** With angle brackets, e.g. "<key@followup>". */
  messageId: string;
  /** Parsed headers, lower-case names. */
  headers: Map<string, unknown>;
}

export interface SmtpReceiver {
  /** smtp://127.0.0.1:PORT */
  url: string;
  received: ReceivedMail[];
  /** Rejects the next `count` messages after DATA with this reply code (default 550) and "Message rejected by test receiver". */
  rejectNext(count: number, code?: number): void;
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  let rejectionsLeft = 0;
  let rejectionCode = 550;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        if (rejectionsLeft > 0) {
          rejectionsLeft -= 1;
          const rejection: SMTPServerError = Object.assign(new Error('Message rejected by test receiver'), {
            responseCode: rejectionCode,
          });
          return callback(rejection);
        }
        // Recorded before the reply, so the mail is here by the time the sender's sendMail resolves.
        received.push({
          from: mail.from?.text ?? '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          messageId: mail.messageId ?? '',
          headers: mail.headers,
        });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejectNext(count, code = 550) {
      rejectionsLeft = count;
      rejectionCode = code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
