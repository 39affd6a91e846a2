/**
 * The audit trail in chat, over HTTP as Teams drives it: "show the audit for request N" for the
 * people who may see the request (and nothing for anyone else), and "export Dragon requests for
 * November" for administrators, answered with a file consent card; when it is accepted the CSV goes
 * to the upload URL Teams hands over (here the fake connector's) and a file card follows.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../../src/clock';
import { AUDIT_COLUMNS, REQUEST_COLUMNS } from '../../src/services/auditExport';
import { chainHash, GENESIS_HASH } from '../../src/store/auditChain';
import { Harness, messageText, type Person } from '../helpers/harness';
import { danaAsksForNursing } from '../helpers/licenseSteps';

const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start({ startWorker: false, clock: new ManualClock('2026-11-21T09:00:00.000Z') });
});
afterEach(async () => h.stop());

/** RFC 4180, as a spreadsheet reads it: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  return rows;
}

function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  for (const r of rows) expect(r).toHaveLength(header.length);
  return rows.map((r) => Object.fromEntries(header.map((k, i) => [k, r[i]])));
}

function fileOffer(person: Person, after: number) {
  const offers = person
    .messages(after)
    .flatMap((m) => (m.activity.attachments ?? []) as Record<string, any>[])
    .filter((a) => a.contentType === FILE_CONSENT);
  return offers[offers.length - 1];
}

/** Dana has a request; Leo asks for November's export and gets the file offer: its accept context. */
async function leoAsksForNovember(): Promise<{ leo: Person; context: unknown }> {
  await danaAsksForNursing(h);
  const leo = h.as('leo');
  const before = h.connector.lastSeq();
  await leo.say('export Dragon requests for November 2026');
  return { leo, context: fileOffer(leo, before).content.acceptContext };
}

/** The file consent invoke Teams sends when the card's Allow (or Decline) is pressed. */
async function consent(person: Person, action: 'accept' | 'decline', context: unknown, uploadUrl: string) {
  return h.post(
    person.activity({
      type: 'invoke',
      name: 'fileConsent/invoke',
      value: {
        type: 'fileUpload',
        action,
        context,
        uploadInfo:
          action === 'accept'
            ? {
                name: 'dragon-requests-2026-11.csv',
                uploadUrl,
                contentUrl:
                  'https://contosohealth-my.sharepoint.com/personal/leo/Documents/dragon-requests-2026-11.csv',
                uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C9D',
                fileType: 'csv',
              }
            : undefined,
      },
    }),
  );
}

describe('show the audit for request N', () => {
  test('the requester, the approver and an admin see every event; anyone else learns nothing', async () => {
    const { requestId } = await danaAsksForNursing(h, { justification: 'night shift on 4 West' });
    for (const alias of ['dana', 'nina', 'grace']) {
      const [reply] = await h.as(alias).say(`show the audit for request ${requestId}`);
      const text = messageText(reply.activity);
      expect(text).toContain(`Audit trail of request #${requestId}`);
      for (const words of ['asked', 'checks passed', 'sent for approval', 'Dana Reyes', '2026-11-21 09:00'])
        expect(text).toContain(words);
      // The submit event's detail names who it went to.
      expect(text).toMatch(/justification: night shift on 4 West/);
    }
    const sam = h.as('sam');
    await sam.say('hi');
    const hidden = await sam.say(`show the audit for request ${requestId}`);
    const missing = await sam.say('show the audit for request 99999');
    expect(messageText(hidden[0].activity)).not.toMatch(/Dana|Nina|nursing|night shift/i);
    expect(messageText(hidden[0].activity).replace(String(requestId), 'N')).toBe(
      messageText(missing[0].activity).replace('99999', 'N'),
    );
  });
});

describe('export Dragon requests for November', () => {
  test('an administrator gets a file card; accepted, the CSV lands where Teams said, with a row per request', async () => {
    const { requestId } = await danaAsksForNursing(h, { justification: '=HYPERLINK("http://evil")' });
    const leo = h.as('leo');
    await leo.say('hi');
    const before = h.connector.lastSeq();
    const replies = await leo.say('export Dragon requests for November 2026');
    expect(messageText(replies[0].activity)).toMatch(/Dragon Desk requests made in November 2026 \(UTC\): 1 request/);
    const offer = fileOffer(leo, before);
    expect(offer).toMatchObject({
      name: 'dragon-requests-2026-11.csv',
      content: {
        description: expect.stringMatching(/1 request/),
        sizeInBytes: expect.any(Number),
        acceptContext: { dataset: 'requests', period: '2026-11-01/2026-11-30' },
      },
    });

    const afterOffer = h.connector.lastSeq();
    const res = await consent(leo, 'accept', offer.content.acceptContext, h.connector.uploadUrl('leo-export.csv'));
    expect(res.status).toBe(200);
    const upload = h.connector.uploads.get('leo-export.csv');
    expect(upload).toBeDefined();
    const bytes = Buffer.from(upload!.content, 'utf8');
    expect(upload!.contentRange).toBe(`bytes 0-${bytes.length - 1}/${bytes.length}`);
    expect(bytes.length).toBe(offer.content.sizeInBytes);

    const [header] = parseCsv(upload!.content);
    expect(header).toEqual([...REQUEST_COLUMNS]);
    const [row] = records(upload!.content);
    expect(row).toMatchObject({
      request_id: String(requestId),
      kind: 'license.assign',
      subject: 'nursing',
      state: 'pending',
      requester_name: 'Dana Reyes',
      targets: expect.stringMatching(/^Dana Reyes <dana\.reyes@/),
      approvers: 'Nina Okafor',
      created_at: '2026-11-21T09:00:00.000Z',
      decided_by_name: '',
      completed_at: '',
      // A formula typed into a justification stays text in a spreadsheet.
      justification: `'=HYPERLINK("http://evil")`,
    });
    expect(Number(row.audit_events)).toBeGreaterThanOrEqual(3);

    // The file card follows in the chat, pointing at the saved file.
    const info = leo
      .messages(afterOffer)
      .flatMap((m) => (m.activity.attachments ?? []) as Record<string, any>[])
      .find((a) => a.contentType === FILE_INFO);
    expect(info).toMatchObject({
      name: 'dragon-requests-2026-11.csv',
      contentUrl: expect.stringContaining('sharepoint.com'),
      content: { fileType: 'csv', uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C9D' },
    });
    // The export itself is in the audit trail, with the file's fingerprint.
    const [exported] = (await h.desk.store.audit.listRecent(5)).filter((a) => a.action === 'audit.exported');
    expect(exported).toMatchObject({
      actorId: leo.id,
      detail: {
        dataset: 'requests',
        period: '2026-11-01/2026-11-30',
        rows: 1,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
    });
  });

  test('the audit log export carries the hash chain, which the file alone is enough to check', async () => {
    await danaAsksForNursing(h);
    const grace = h.as('grace');
    const before = h.connector.lastSeq();
    await grace.say('download the audit log for November 2026');
    const offer = fileOffer(grace, before);
    expect(offer.name).toBe('dragon-audit-2026-11.csv');
    await consent(grace, 'accept', offer.content.acceptContext, h.connector.uploadUrl('audit.csv'));
    const text = h.connector.uploads.get('audit.csv')!.content;
    expect(parseCsv(text)[0]).toEqual([...AUDIT_COLUMNS]);
    const rows = records(text);
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['request.draft', 'request.checked', 'request.submit']),
    );
    let prev = GENESIS_HASH;
    for (const r of rows) {
      expect(r.prev_hash).toBe(prev);
      const recomputed = chainHash(prev, {
        at: r.at,
        tenant_id: r.tenant_id,
        actor_id: r.actor_id,
        actor_name: r.actor_name === '' ? null : r.actor_name,
        action: r.action,
        request_id: r.request_id === '' ? null : Number(r.request_id),
        detail: r.detail === '' ? null : r.detail,
        graph_request_id: r.graph_request_id === '' ? null : r.graph_request_id,
      });
      expect(recomputed).toBe(r.hash);
      prev = r.hash;
    }
  });

  test('someone who is not an administrator is told so, and gets no file', async () => {
    const dana = h.as('dana');
    const before = h.connector.lastSeq();
    const [reply] = await dana.say('export Dragon requests for November 2026');
    expect(messageText(reply.activity)).toMatch(/Only administrators can export/);
    expect(fileOffer(dana, before)).toBeUndefined();
  });

  test('an offer accepted by someone else, or declined, saves nothing', async () => {
    const { leo, context } = await leoAsksForNovember();

    // Dana sends Leo's accept context with an upload URL of her own.
    const dana = h.as('dana');
    const danaBefore = h.connector.lastSeq();
    expect((await consent(dana, 'accept', context, h.connector.uploadUrl('dana.csv'))).status).toBe(200);
    expect(h.connector.uploads.has('dana.csv')).toBe(false);
    expect(dana.texts(danaBefore).join('\n')).toMatch(/Only administrators can export/);

    const leoBefore = h.connector.lastSeq();
    await consent(leo, 'decline', context, '');
    expect(leo.texts(leoBefore).join('\n')).toMatch(/didn’t save the file/);
    expect([...h.connector.uploads.keys()]).toEqual([]);
  });

  test('in dev mode the file goes only to this machine, whatever the invoke says', async () => {
    const { leo, context } = await leoAsksForNovember();
    const after = h.connector.lastSeq();
    await consent(leo, 'accept', context, 'https://attacker.example/upload');
    expect(leo.texts(after).join('\n')).toMatch(/nothing was saved/);
  });

  test('an upload URL that refuses the file is reported in chat, and nothing is recorded as exported', async () => {
    const { leo, context } = await leoAsksForNovember();
    const after = h.connector.lastSeq();
    // A path the connector does not serve: 404, as an expired upload session answers.
    await consent(leo, 'accept', context, `${h.connector.url}expired-session/x.csv`);
    expect(leo.texts(after).join('\n')).toMatch(/couldn’t save dragon-requests-2026-11\.csv to your OneDrive/);
    expect((await h.desk.store.audit.listRecent(5)).map((a) => a.action)).not.toContain('audit.exported');
  });

  test('the Teams app declares file support, without which Teams drops file consent cards', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../appPackage/manifest.json'), 'utf8'));
    expect(manifest.bots[0].supportsFiles).toBe(true);
  });

  test('no period, or one with nothing in it, is answered in chat', async () => {
    const grace = h.as('grace');
    expect(messageText((await grace.say('export Dragon requests'))[0].activity)).toMatch(/Which period/);
    expect(messageText((await grace.say('export Dragon requests for March 2026'))[0].activity)).toMatch(
      /No Dragon Desk requests were made in March 2026/,
    );
  });
});
