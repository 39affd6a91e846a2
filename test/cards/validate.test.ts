import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { validateTeamsCard } from '../../src/cards';
import { MAX_CARD_BYTES } from '../../src/cards/validate';
import { expectValidTeamsCard } from '../helpers/cards';

function goodCard(): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Approve?', wrap: true },
      {
        type: 'ActionSet',
        actions: [
          {
            type: 'Action.Execute',
            verb: 'request.approve',
            title: 'Approve',
            data: { requestId: 1, version: 2 },
            fallback: {
              type: 'Action.Submit',
              title: 'Approve',
              data: { requestId: 1, version: 2, verb: 'request.approve' },
            },
          },
        ],
      },
    ],
  };
}

type Mutation = (card: Record<string, unknown>) => void;
const body = (c: Record<string, unknown>) => c.body as Record<string, unknown>[];
const action = (c: Record<string, unknown>) => (body(c)[1].actions as Record<string, unknown>[])[0];

describe('validateTeamsCard', () => {
  it('accepts a well-formed 1.5 card', () => {
    expect(validateTeamsCard(goodCard())).toEqual([]);
    expect(() => expectValidTeamsCard(goodCard())).not.toThrow();
  });

  const cases: [string, Mutation, RegExp][] = [
    ['an unknown element type', (c) => body(c).push({ type: 'Carousel', pages: [] }), /UnknownElementType/],
    [
      'an unknown action type',
      (c) => (body(c)[1].actions as unknown[]).push({ type: 'Action.Popover', title: 'x' }),
      /UnknownActionType/,
    ],
    ['a missing fallback', (c) => delete action(c).fallback, /needs an Action\.Submit fallback/],
    [
      'a fallback without the verb',
      (c) => delete ((action(c).fallback as Record<string, unknown>).data as Record<string, unknown>).verb,
      /data\.verb must be/,
    ],
    [
      'a fallback with other data',
      (c) => (((action(c).fallback as Record<string, unknown>).data as Record<string, unknown>).version = 1),
      /data\.version must equal/,
    ],
    ['version 1.6', (c) => (c.version = '1.6'), /version must be "1\.5"/],
    ['a missing type', (c) => delete c.type, /type must be "AdaptiveCard"/],
    ['a leftover ${x}', (c) => (body(c)[0].text = 'Hello ${x}'), /unbound template text/],
    ['a verb nobody routes', (c) => (action(c).verb = 'request.delete'), /verb "request\.delete" is not one of/],
    ['people in action data', (c) => ((action(c).data as Record<string, unknown>).userId = 'u-1'), /carries userId/],
    [
      'an action without a request id',
      (c) => delete (action(c).data as Record<string, unknown>).requestId,
      /must carry requestId and version/,
    ],
    [
      'a duplicate input id',
      (c) => body(c).push({ type: 'Input.Text', id: 'reason' }, { type: 'Input.Text', id: 'reason' }),
      /DuplicateId/,
    ],
    [
      'a card over the size limit',
      (c) => body(c).push({ type: 'TextBlock', text: 'x'.repeat(MAX_CARD_BYTES) }),
      /bytes; Teams needs it under/,
    ],
  ];

  it.each(cases)('catches %s', (_name, mutate, problem) => {
    const card = goodCard();
    mutate(card);
    const problems = validateTeamsCard(card);
    expect(problems.join('\n')).toMatch(problem);
    expect(() => expectValidTeamsCard(card)).toThrow(problem);
  });

  it('allows kind only on request.kind', () => {
    const kindCard = goodCard();
    Object.assign(action(kindCard), {
      verb: 'request.kind',
      data: { requestId: 1, version: 2, kind: 'nursing' },
      fallback: {
        type: 'Action.Submit',
        title: 'Nursing',
        data: { requestId: 1, version: 2, kind: 'nursing', verb: 'request.kind' },
      },
    });
    expect(validateTeamsCard(kindCard)).toEqual([]);
    const approveWithKind = goodCard();
    (action(approveWithKind).data as Record<string, unknown>).kind = 'nursing';
    expect(validateTeamsCard(approveWithKind).join('\n')).toMatch(/carries kind/);
  });

  it('rejects what is not a card at all', () => {
    expect(validateTeamsCard(null)).toEqual(['card is not a JSON object']);
    expect(validateTeamsCard([goodCard()])).toEqual(['card is not a JSON object']);
  });

  it('loads the adaptivecards UMD bundle under plain node, without a DOM', () => {
    const script = `
      const AC = require('adaptivecards/dist/adaptivecards.min.js');
      const card = new AC.AdaptiveCard();
      const ctx = new AC.SerializationContext(AC.Versions.v1_5);
      card.parse({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Nope' }] }, ctx);
      process.stdout.write(JSON.stringify({ window: typeof window, events: ctx.eventCount }));`;
    const run = spawnSync(process.execPath, ['-e', script], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ window: 'undefined', events: 1 });
  });
});
