import {
  directoryObjectRef,
  looksLikeUpn,
  odataString,
  queryString,
  relativeNextLink,
  userPath,
  userSearchExpression,
} from '../../src/tenant/graphQueries';

describe('odataString', () => {
  it.each([
    ['dana@contoso.com', "'dana@contoso.com'"],
    ["O'Brien", "'O''Brien'"],
    ["''", "''''''"],
  ])('%p → %p', (input, expected) => expect(odataString(input)).toBe(expected));
});

describe('userSearchExpression', () => {
  it('searches every name field and combines them with OR', () => {
    expect(userSearchExpression('Dana')).toBe(
      '"displayName:Dana" OR "givenName:Dana" OR "surname:Dana" OR "mail:Dana" OR "userPrincipalName:Dana"',
    );
  });
  it.each([
    ['Da"na', 'Da na'],
    ['"Reyes"', 'Reyes'],
    ['back\\slash', 'back slash'],
    ['  spaced  ', 'spaced'],
    ['tab\there', 'tab here'],
    ["O'Brien", "O'Brien"], // a single quote is harmless inside the double quotes
  ])('keeps %p from breaking out of the quotes', (input, inner) => {
    expect(userSearchExpression(input).split(' OR ')[0]).toBe(`"displayName:${inner}"`);
  });
});

describe('queryString', () => {
  it('percent-encodes values so quotes, spaces, & and # reach Graph intact', () => {
    const q = queryString({ $search: '"displayName:A&B #1"', $top: 5, $count: true, $skip: undefined });
    expect(q).toBe('?$search=%22displayName%3AA%26B%20%231%22&$top=5&$count=true');
    expect(new URLSearchParams(q).get('$search')).toBe('"displayName:A&B #1"');
  });
  it('is empty without values', () => expect(queryString({ a: undefined })).toBe(''));
});

describe('looksLikeUpn', () => {
  it.each([
    ['dana.reyes@contoso.com', true],
    [' dana@contoso.onmicrosoft.com ', true],
    ['Dana Reyes', false],
    ['dana@', false],
    ['@contoso.com', false],
    ['dana @contoso.com', false],
  ])('%p → %p', (text, expected) => expect(looksLikeUpn(text)).toBe(expected));
});

describe('userPath', () => {
  it.each([
    ['0f3c…-id', '/users/0f3c%E2%80%A6-id'],
    ['dana@contoso.com', '/users/dana%40contoso.com'],
    ['tomas_fabrikam.com#EXT#@contoso.onmicrosoft.com', '/users/tomas_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com'],
    ['$admin@contoso.com', "/users('%24admin%40contoso.com')"],
  ])('%p → %p', (key, expected) => expect(userPath(key)).toBe(expected));
});

describe('relativeNextLink', () => {
  it.each<[string, string, string | undefined]>([
    ['http://127.0.0.1:5980/v1.0/users?$skiptoken=abc', 'http://127.0.0.1:5980', '/users?$skiptoken=abc'],
    [
      'https://graph.microsoft.com/v1.0/groups/g/members?$skiptoken=x',
      'https://graph.microsoft.com',
      '/groups/g/members?$skiptoken=x',
    ],
    ['https://graph.microsoft.com/v1.0/users?$skiptoken=x', 'http://127.0.0.1:5980/', '/users?$skiptoken=x'],
    ['https://evil.example.com/v1.0/users?$skiptoken=x', 'https://graph.microsoft.com', undefined],
    ['http://127.0.0.1:5981/v1.0/users', 'http://127.0.0.1:5980', undefined],
  ])('%p on %p → %p', (link, base, expected) => expect(relativeNextLink(link, base)).toBe(expected));
});

it('directoryObjectRef uses the public Graph id URL Graph expects in $ref bodies', () => {
  expect(directoryObjectRef('u-1')).toEqual({ '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/u-1' });
});
