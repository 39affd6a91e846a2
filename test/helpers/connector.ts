/**
 * An HTTP fake of the Bot Framework connector (the Teleport pattern): the bot's replies, proactive
 * messages and in-place card updates arrive here exactly as they would at Teams, and tests read
 * them back per conversation.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';

export interface PostedActivity {
  conversationId: string;
  activityId: string;
  method: 'POST' | 'PUT';
  activity: Record<string, any>;
  /** Sequence number across the whole connector, so tests can ask for "what came after X". */
  seq: number;
}

export class FakeConnector {
  readonly posted: PostedActivity[] = [];
  /** Latest version of every activity by id (after PUT updates). */
  readonly current = new Map<string, PostedActivity>();
  /**
   * Which conversations' activities are kept for reading back; the others are answered and
   * forgotten. The benchmark keeps only the chats it still reads, so the history it would never
   * read does not grow the heap of the process it measures.
   */
  retain: (conversationId: string) => boolean = () => true;
  /**
   * How long Teams takes to accept a message or an update. A sender that dies meanwhile (its
   * connection closes) has sent nothing: the activity is not recorded, as Teams would not post it.
   */
  delayMs = 0;
  /**
   * Conversations where Teams refuses the bot's messages, as it does for someone who blocked or
   * removed the app: 403 `MessageWritesBlocked`.
   */
  readonly refused = new Set<string>();
  private server?: http.Server;
  private seq = 0;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      // Decoded as one stream, so a character split across two chunks stays whole.
      req.setEncoding('utf8');
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (!this.delayMs) return this.handle(req, res, body);
        setTimeout(() => {
          if (!req.socket.destroyed) this.handle(req, res, body);
        }, this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const addr = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${addr.port}/`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    if (req.method === 'PUT' && req.url?.startsWith('/upload/')) return this.upload(req, res, body);
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404);
      res.end();
      return;
    }
    const conversationId = decodeURIComponent(m[1]);
    if (this.refused.has(conversationId)) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'MessageWritesBlocked', message: 'Bot is blocked by the user.' } }));
      return;
    }
    const method = req.method === 'PUT' && m[2] ? 'PUT' : 'POST';
    const activityId = method === 'PUT' ? decodeURIComponent(m[2]) : `act-${randomUUID().slice(0, 8)}`;
    const seq = ++this.seq;
    if (this.retain(conversationId)) {
      const rec: PostedActivity = { conversationId, activityId, method, activity: body ? JSON.parse(body) : {}, seq };
      this.posted.push(rec);
      this.current.set(activityId, rec);
    }
    reply(res, activityId);
  }

  /** Messages (not typing) posted to a conversation, in order, after sequence number `after`. */
  messages(conversationId: string, after = 0): PostedActivity[] {
    return this.posted.filter(
      (p) =>
        p.conversationId === conversationId && p.method === 'POST' && p.seq > after && p.activity.type === 'message',
    );
  }

  updates(conversationId: string, after = 0): PostedActivity[] {
    return this.posted.filter((p) => p.conversationId === conversationId && p.method === 'PUT' && p.seq > after);
  }

  /**
   * Files bots put into the upload URLs this connector hands out (uploadUrl(name)), by name: the
   * stand-in for the OneDrive upload session Teams gives a bot when someone accepts its file
   * consent card.
   */
  readonly uploads = new Map<string, { content: string; contentRange?: string }>();

  uploadUrl(name: string): string {
    return `${this.url}upload/${encodeURIComponent(name)}`;
  }

  private upload(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const name = decodeURIComponent((req.url ?? '').slice('/upload/'.length));
    this.uploads.set(name, { content: body, contentRange: req.headers['content-range'] });
    res.writeHead(201, { 'content-type': 'application/json' });
    // A driveItem, as OneDrive answers the request that completes an upload session.
    res.end(JSON.stringify({ id: randomUUID(), name, size: Buffer.byteLength(body), file: { mimeType: 'text/csv' } }));
  }

  lastSeq(): number {
    return this.seq;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** restify (in the same process) patches ServerResponse.writeHead so it no longer returns `res`. */
function reply(res: http.ServerResponse, activityId: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: activityId }));
}

/** The Adaptive Card in an activity, if any. */
export function cardOf(activity: Record<string, any>): Record<string, any> | undefined {
  return activity.attachments?.find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** What a message says: its text, then its card's text (a first-contact greeting may lead a card). */
export function messageText(activity: Record<string, any>): string {
  const card = cardOf(activity);
  return [activity.text, card && cardText(card)].filter(Boolean).join('\n');
}

/** All text a person would read on a card (TextBlocks, FactSet facts, RichText runs), joined. */
export function cardText(card: Record<string, any> | undefined): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n.text === 'string') out.push(n.text);
    if (typeof n.title === 'string') out.push(n.title);
    if (typeof n.value === 'string' && n.type !== 'Input.Text') out.push(n.value);
    for (const v of Object.values(n)) if (typeof v === 'object') walk(v);
  };
  walk(card);
  return out.join('\n');
}

/** Action.Execute buttons on a card, by title. */
export function cardActions(
  card: Record<string, any> | undefined,
): { title: string; verb: string; data: Record<string, unknown> }[] {
  const out: { title: string; verb: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, any>;
    if (n.type === 'Action.Execute') out.push({ title: n.title, verb: n.verb, data: n.data ?? {} });
    for (const [k, v] of Object.entries(n)) if (k !== 'fallback' && typeof v === 'object') walk(v);
  };
  walk(card);
  return out;
}
