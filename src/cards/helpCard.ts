/**
 * What Dragon Desk can do, grouped the way people think about it, with sentences they can type.
 * Admin-only examples are shown to admins only, so nobody is invited to ask for something that
 * will then be refused.
 */
import { DRAGON_ADMIN_ROLE_NOTE } from '../domain/catalog';
import { renderCard } from './template';
import { userText } from './text';
import type { AdaptiveCard, HelpCardOptions } from './types';

interface Example {
  text: string;
  adminOnly?: boolean;
}

interface Section {
  heading: string;
  about: string;
  adminAbout?: string;
  examples: Example[];
}

const SECTIONS: Section[] = [
  {
    heading: '🩺 Licenses',
    about: 'Ask for a Dragon Copilot license for yourself or a colleague. The owner of the license group approves it.',
    adminAbout: 'Ask for a Dragon Copilot license, or give or remove one directly after a confirmation card.',
    examples: [
      { text: 'I need a Dragon nursing license' },
      { text: 'Get Dana Smith a Dragon physician license' },
      { text: 'Remove my Dragon license' },
      { text: 'Give the nursing license to Lee Chen and Sam Patel', adminOnly: true },
      { text: 'Remove the physician license from Alex Kim', adminOnly: true },
    ],
  },
  {
    heading: '📊 Status questions',
    about:
      'Follow your requests and their audit trail, see what is waiting for your approval (or hand it to someone while you are away), and check seats.',
    examples: [
      { text: 'How many seats are left?' },
      { text: 'My requests' },
      { text: 'What is waiting for me?' },
      { text: 'Send my approvals to Omar Haddad until Friday' },
      { text: 'Does Dana Smith have a Dragon license?', adminOnly: true },
      { text: 'Who has a nursing license?', adminOnly: true },
      { text: 'Show the audit for request 42' },
      { text: 'Export Dragon requests for last month', adminOnly: true },
    ],
  },
  {
    heading: '🛡️ Dragon admin role',
    about: `Ask for the Dragon Administrator role, for good or for a few hours. ${DRAGON_ADMIN_ROLE_NOTE}`,
    examples: [
      { text: 'Make me a Dragon administrator' },
      { text: 'I need Dragon admin for 4 hours' },
      { text: 'Who are the Dragon administrators?' },
    ],
  },
  {
    heading: '🤝 Partner administration',
    about: 'For your Microsoft partner: link a partner ID, check the partner of record, prepare delegated admin.',
    examples: [
      { text: 'Link our partner ID 1234567' },
      { text: 'Who is our partner of record?' },
      { text: 'Show our partner relationships' },
      { text: 'Prepare a delegated admin request for Contoso Health', adminOnly: true },
    ],
  },
];

/**
 * Every sentence the help card suggests. The language layer's tests should assert each one is
 * understood: a help card that suggests a sentence the bot does not understand is a broken promise.
 */
export const HELP_EXAMPLES: readonly { text: string; adminOnly: boolean }[] = SECTIONS.flatMap((s) =>
  s.examples.map((e) => ({ text: e.text, adminOnly: e.adminOnly === true })),
);

export interface HelpView {
  greeting: string;
  intro: string;
  sections: { heading: string; about: string; examples: { text: string }[] }[];
  footer: string;
}

export function helpView(opts: HelpCardOptions): HelpView {
  const admin = opts.isAdmin === true;
  const name = userText(opts.name?.trim().split(/\s+/)[0]);
  return {
    greeting: name ? `Hi ${name}, I'm Dragon Desk` : "Hi, I'm Dragon Desk",
    intro: admin
      ? 'Ask me in plain words. As an admin you can make changes directly: I show a card first, and nothing changes until you confirm.'
      : 'Ask me in plain words. I show you a card before anything is sent, and group owners approve requests.',
    sections: SECTIONS.map((s) => ({
      heading: s.heading,
      about: admin && s.adminAbout ? s.adminAbout : s.about,
      examples: s.examples.filter((e) => admin || !e.adminOnly).map((e) => ({ text: `• “${e.text}”` })),
    })),
    footer: 'Type “help” at any time to see this again.',
  };
}

export function helpCard(opts: HelpCardOptions = {}): AdaptiveCard {
  return renderCard('help', helpView(opts));
}
