/**
 * "Which Dragon license?": one button per license kind. Buttons rather than a ChoiceSet because the
 * choice is then a single click; the price is that the button's data carries `kind`, the one
 * input-like value allowed in card data (verbs.ts). The handler checks it against LICENSE_KINDS.
 */
import { LICENSE_INFO, LICENSE_KINDS, type LicenseKind } from '../domain/catalog';
import type { DeskRequest } from '../domain/request';
import { renderCard } from './template';
import { joinNames, userText } from './text';
import type { AdaptiveCard } from './types';

const SHORT_HELP: Record<LicenseKind, string> = {
  nursing: 'Nursing: Dragon Copilot for nurses.',
  physician: 'Physician: Dragon Copilot for physicians and other providers.',
};

export interface ChooseLicenseView {
  requestId: number;
  version: number;
  subtitle: string;
  intro: string;
  options: { kind: LicenseKind; title: string; description: string }[];
}

export function chooseLicenseView(req: DeskRequest, forNames: string[]): ChooseLicenseView {
  const names = forNames.map(userText).filter((n) => n !== '');
  const who = names.length === 0 ? 'this request' : joinNames(names);
  return {
    requestId: req.id,
    version: req.version,
    subtitle: `Request #${req.id}`,
    intro: `Dragon Copilot has two kinds of license. Which one is needed for ${who}?`,
    options: LICENSE_KINDS.map((kind) => ({
      kind,
      title: capitalise(LICENSE_INFO[kind].label.replace(/^Dragon Copilot /, '')),
      description: SHORT_HELP[kind],
    })),
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function chooseLicenseCard(req: DeskRequest, forNames: string[]): AdaptiveCard {
  return renderCard('choose-license', chooseLicenseView(req, forNames));
}
