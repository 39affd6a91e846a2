/**
 * The language-model fallback (teams-ai ActionPlanner) with teams-ai's TestModel: consulted only
 * for what the grammar can't place, limited to Dragon Desk's own actions, and never a way around
 * confirmation or approval.
 */
import { TestModel } from '@microsoft/teams-ai';
import { Harness, cardActions } from '../helpers/harness';

function planModel(command: Record<string, unknown>): { model: TestModel; calls: () => number } {
  let calls = 0;
  const model = TestModel.createTestModel(async () => {
    calls++;
    return {
      status: 'success',
      message: { role: 'assistant', content: JSON.stringify({ type: 'plan', commands: [command] }) },
    };
  });
  return { model, calls: () => calls };
}

describe('the language-model fallback planner', () => {
  test('places what the grammar cannot, onto the same action — which still only drafts', async () => {
    const { model, calls } = planModel({
      type: 'DO',
      action: 'license.request',
      parameters: { users: ['me'], license: 'nursing' },
    });
    const h = await Harness.start({ startWorker: false, fallbackModel: model });
    try {
      const dana = h.as('dana');
      await dana.say('could I trouble you for one of those ambient note-taking seats, the nurse flavour');
      expect(calls()).toBe(1);
      const draft = dana.lastCard();
      expect(cardActions(draft.card).map((a) => a.title)).toContain('Send for approval');
      const reqs = await h.desk.store.requests.listByRequester(dana.id, 5);
      expect(reqs).toHaveLength(1);
      expect(reqs[0].state).toBe('draft'); // nothing was sent, let alone changed
      expect(h.desk.devTenant!.calls.count({ method: 'POST', path: /members\/\$ref$/ })).toBe(0);
    } finally {
      await h.stop();
    }
  });

  test('is not consulted when the grammar understands the message', async () => {
    const { model, calls } = planModel({ type: 'DO', action: 'help', parameters: {} });
    const h = await Harness.start({ startWorker: false, fallbackModel: model });
    try {
      await h.as('dana').say('how many nursing seats are left?');
      expect(calls()).toBe(0);
    } finally {
      await h.stop();
    }
  });

  test('an action outside Dragon Desk’s list is ignored and the person gets the usual answer', async () => {
    const { model } = planModel({ type: 'DO', action: 'assignLicenseNow', parameters: { user: 'dana' } });
    const h = await Harness.start({ startWorker: false, fallbackModel: model });
    try {
      const texts = (await h.as('dana').say('blorp the flux capacitor')).map((m) => m.activity.text ?? '');
      expect(texts.join('\n')).toMatch(/didn't understand/);
      expect(await h.desk.store.requests.listByRequester(h.as('dana').id, 5)).toHaveLength(0);
    } finally {
      await h.stop();
    }
  });
});
