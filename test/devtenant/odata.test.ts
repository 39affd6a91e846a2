import {
  checkFilter,
  evaluateFilter,
  objectLookup,
  parseFilter,
  parseQueryString,
  parseSearch,
  project,
  searchMatches,
} from '../../src/devtenant/odata';
import { isoDurationMs } from '../../src/devtenant/duration';
import { validGdapDuration } from '../../src/devtenant/routes/gdap';

const dana = {
  id: '33333333-cccc-4ccc-8ccc-000000000001',
  displayName: 'Dana Reyes',
  givenName: 'Dana',
  mail: 'dana.reyes@contosohealth.onmicrosoft.com',
  accountEnabled: true,
  userType: 'Member',
  usageLocation: null,
  assignedLicenses: [{ skuId: '22222222-bbbb-4bbb-8bbb-000000000001', disabledPlans: [] }],
};

describe('$filter', () => {
  test.each([
    ["startswith(displayName,'dan')", true],
    ["startswith(displayName,'DAN')", true],
    ["startswith(displayName,'rey')", false],
    ["displayName eq 'dana reyes'", true],
    ["displayName ne 'Dana Reyes'", false],
    ["startswith(givenName,'x') or startswith(mail,'dana.')", true],
    ["startswith(givenName,'d') and userType eq 'Guest'", false],
    ["id in ('a','33333333-cccc-4ccc-8ccc-000000000001')", true],
    ["id in ('a','b')", false],
    ['accountEnabled eq true', true],
    ['usageLocation eq null', true],
    ['not (accountEnabled eq true)', false],
    ['assignedLicenses/any(x:x/skuId eq 22222222-bbbb-4bbb-8bbb-000000000001)', true],
    ['assignedLicenses/any(x:x/skuId eq 22222222-bbbb-4bbb-8bbb-000000000002)', false],
    ["displayName eq 'O''Brien'", false],
  ])('%s → %s', (text, expected) => {
    expect(evaluateFilter(parseFilter(text), objectLookup(dana))).toBe(expected);
  });

  test('quoted quotes are unescaped', () => {
    expect(evaluateFilter(parseFilter("displayName eq 'O''Brien'"), objectLookup({ displayName: "O'Brien" }))).toBe(
      true,
    );
  });

  test.each(["startswith(displayName,'dan'", 'displayName eq', "displayName foo 'x'", "'x' eq displayName", ''])(
    'bad syntax %p is a 400 BadRequest',
    (text) => {
      expect(() => parseFilter(text)).toThrow(expect.objectContaining({ status: 400, code: 'BadRequest' }));
    },
  );

  test('unsupported property or operator is Request_UnsupportedQuery', () => {
    const support = { displayName: ['eq', 'startswith'] } as const;
    expect(() => checkFilter(parseFilter("startswith(displayName,'a')"), support, 'User')).not.toThrow();
    expect(() => checkFilter(parseFilter("endswith(displayName,'a')"), support, 'User')).toThrow(
      expect.objectContaining({ code: 'Request_UnsupportedQuery' }),
    );
    expect(() => checkFilter(parseFilter("city eq 'Oslo'"), support, 'User')).toThrow(
      expect.objectContaining({ code: 'Request_UnsupportedQuery', message: expect.stringContaining("'city'") }),
    );
  });
});

describe('$search', () => {
  test.each([
    ['"displayName:dana"', 'Dana Reyes', true],
    ['"displayName:Reyes"', 'Dana Reyes', true],
    ['"displayName:dana re"', 'Dana Reyes', true],
    ['"displayName:eyes"', 'Dana Reyes', false],
    ['"displayName:priya"', 'Dr. Priya Patel', true],
    ['"displayName:x" OR "displayName:pat"', 'Dr. Priya Patel', true],
    ['"displayName:priya" AND "displayName:x"', 'Dr. Priya Patel', false],
  ])('%s on %p → %s', (q, displayName, expected) => {
    expect(searchMatches(parseSearch(q), objectLookup({ displayName }))).toBe(expected);
  });

  test.each(['dana', '"displayName:dana', '"displayName:a" XOR "mail:a"', '"displayName:a" OR'])('invalid %p', (q) => {
    expect(() => parseSearch(q)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('query string', () => {
  test('decodes percent-encoding and form-style plus signs', () => {
    const q = parseQueryString('$filter=startswith(displayName,%27dana%20r%27)&$search=%22displayName:a+b%22');
    expect(q.get('$filter')).toBe("startswith(displayName,'dana r')");
    expect(q.get('$search')).toBe('"displayName:a b"');
  });
});

describe('$select projection', () => {
  const all = { id: '1', displayName: 'A', usageLocation: 'US' };
  test('defaults without $select, only the selected with it', () => {
    expect(project(all, undefined, ['id', 'displayName'], 'microsoft.graph.user')).toEqual({
      id: '1',
      displayName: 'A',
    });
    expect(project(all, ['usageLocation'], ['id'], 'microsoft.graph.user')).toEqual({ usageLocation: 'US' });
  });
  test('known-but-unmodelled is null; unknown is a 400', () => {
    expect(project(all, ['city'], ['id'], 'microsoft.graph.user', ['city'])).toEqual({ city: null });
    expect(() => project(all, ['bogus'], ['id'], 'microsoft.graph.user')).toThrow(
      expect.objectContaining({
        status: 400,
        message: "Could not find a property named 'bogus' on type 'microsoft.graph.user'.",
      }),
    );
  });
});

describe('ISO durations', () => {
  test.each([
    ['PT2H', 2 * 3600_000],
    ['P1D', 86_400_000],
    ['PT30M', 1_800_000],
    ['P1DT12H', 36 * 3600_000],
    ['P2Y', 730 * 86_400_000],
    ['nonsense', undefined],
    ['P', undefined],
    ['PT', undefined],
  ])('%s → %p ms', (text, ms) => {
    expect(isoDurationMs(text)).toBe(ms);
  });

  test.each([
    ['P1D', true],
    ['P730D', true],
    ['P2Y', true],
    ['P731D', false],
    ['PT23H', false],
    ['P0D', false],
    ['P3Y', false],
  ])('GDAP duration %s valid=%s', (text, ok) => {
    expect(validGdapDuration(text)).toBe(ok);
  });
});
