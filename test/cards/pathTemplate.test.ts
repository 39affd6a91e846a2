/**
 * The compiled path templates expand exactly as adaptivecards-templating does, case by case, and
 * the card templates that only bind by path are the ones compiled.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import { compilePathTemplate } from '../../src/cards/pathTemplate';
import { cardsDir } from '../../src/cards/template';

const library = (template: unknown, data: object) => new Template(template).expand({ $root: data });

const CASES: [string, unknown, object][] = [
  [
    'a binding keeps the type of its value',
    { s: '${s}', n: '${n}', b: '${b}', o: '${o}', a: '${a}' },
    { s: 'x', n: 5, b: false, o: { k: 1 }, a: [1, 2] },
  ],
  ['a missing value stays as the literal binding', { t: '${missing}', u: '${o.missing}' }, { o: {} }],
  ['a null value stays null', { t: '${nothing}' }, { nothing: null }],
  [
    'dotted paths, $root and $data',
    { a: '${x.y.z}', b: '${$root.x.y.z}', c: '${$data.x.y.z}' },
    { x: { y: { z: 'deep' } } },
  ],
  ['names match ignoring case', { a: '${Title}', b: '${title}' }, { title: 'lower' }],
  [
    'a list or a text has no named fields',
    { a: '${list.length}', b: '${text.length}', c: '${zero.x}' },
    { list: [1], text: 'abc', zero: 0 },
  ],
  [
    '$when keeps an element only for a boolean true',
    {
      body: [
        { $when: '${t}', v: 1 },
        { $when: '${f}', v: 2 },
        { $when: '${s}', v: 3 },
        { $when: '${missing}', v: 4 },
        { $when: '${one}', v: 5 },
      ],
    },
    { t: true, f: false, s: 'true', one: 1 },
  ],
  ['a dropped element that is a property value becomes null', { header: { $when: '${f}', v: 1 } }, { f: false }],
  [
    'a $when that is not a binding drops the element',
    {
      body: [
        { $when: 'true', v: 1 },
        { $when: '', v: 2 },
      ],
    },
    {},
  ],
  [
    '$data repeats an element per item, with $index, and items see their own fields',
    { rows: [{ $data: '${items}', name: '${name}', i: '${$index}', top: '${$root.top}' }] },
    { top: 'T', items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
  ],
  [
    'one item gives one element, none gives none',
    { one: [{ $data: '${one}', v: '${v}' }], none: [{ $data: '${none}', v: 1 }], after: ['x'] },
    { one: [{ v: 'only' }], none: [] },
  ],
  [
    '$data on an object rebinds it, and nested elements read the inner data',
    { box: { $data: '${inner}', v: '${v}', deeper: { w: '${w}' } } },
    { inner: { v: 'V', w: 'W' } },
  ],
  [
    'a missing $data binds the literal text, so fields inside are unresolved',
    { box: { $data: '${missing}', v: '${v}' } },
    {},
  ],
  [
    '$when is read with the repeated item',
    { rows: [{ $data: '${items}', $when: '${show}', v: '${v}' }] },
    {
      items: [
        { show: true, v: 1 },
        { show: false, v: 2 },
        { show: true, v: 3 },
      ],
    },
  ],
  ['an item that is an array is spliced into its list', { body: ['${list}', 'z'] }, { list: ['x', 'y'] }],
  [
    'reserved fields are not copied; $schema is',
    { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', $root: 'r', $index: 1, v: 'kept' },
    {},
  ],
  ['constants pass through', { n: 1, b: true, z: null, s: 'plain text', list: [1, 'two', null] }, {}],
];

describe('compiled path templates', () => {
  test.each(CASES)('%s', (_name, template, data) => {
    const compiled = compilePathTemplate(template);
    expect(compiled).toBeDefined();
    expect(compiled!(data)).toStrictEqual(library(template, data));
  });

  test('the one difference: of two names differing only in case, the library reads the first, the compiled form the exact one', () => {
    const template = { a: '${Title}' };
    const data = { title: 'lower', Title: 'Upper' };
    expect(library(template, data)).toEqual({ a: 'lower' });
    expect(compilePathTemplate(template)!(data)).toEqual({ a: 'Upper' });
  });

  test.each([
    ['an operator', { v: '${n > 0}' }],
    ['a function', { v: "${if(a, 'x', 'y')}" }],
    ['text around a binding', { v: 'Request #${id}' }],
    ['two bindings in one string', { v: '${a} ${b}' }],
    ['a $data given inline', { rows: [{ $data: [{ a: 1 }], v: '${a}' }] }],
  ])('a template with %s is left to adaptivecards-templating', (_name, template) => {
    expect(compilePathTemplate(template)).toBeUndefined();
  });

  test('every card template but the seats bar (which compares numbers) is compiled', () => {
    const names = readdirSync(cardsDir()).filter((f) => f.endsWith('.json'));
    const compiled = names.filter(
      (f) => compilePathTemplate(JSON.parse(readFileSync(path.join(cardsDir(), f), 'utf8'))) !== undefined,
    );
    expect(names.filter((n) => !compiled.includes(n))).toEqual(['seats.json']);
  });
});
