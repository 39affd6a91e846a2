/**
 * Jest setup (jest.config.js): every card any test renders is expanded by both the compiled path
 * templates and adaptivecards-templating, and a difference fails the test (src/cards/template.ts).
 */
import { crossCheckTemplates } from '../../src/cards/template';

crossCheckTemplates(true);
