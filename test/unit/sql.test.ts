import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  expressionProblem,
  isNoopSql,
  noopSql,
  qualifiedTable,
  quoteIdent,
  quoteLiteral,
  quotePlainString,
  readQuotedName,
  SqlTextError,
  utf8Length,
} from '../../src/core/sql';

describe('quoteIdent', () => {
  it('PostgreSQL: double quotes, embedded double quotes doubled', () => {
    assert.equal(quoteIdent('postgres', 'users'), '"users"');
    assert.equal(quoteIdent('postgres', 'say "hi"'), '"say ""hi"""');
    assert.equal(quoteIdent('postgres', 'a`b'), '"a`b"');
    assert.equal(quoteIdent('postgres', 'select'), '"select"');
    assert.equal(quoteIdent('postgres', 'Größe ü'), '"Größe ü"');
    assert.equal(quoteIdent('postgres', '"'), '""""');
  });
  it('MySQL/MariaDB: backticks, embedded backticks doubled, double quotes untouched', () => {
    for (const d of ['mysql', 'mariadb'] as const) {
      assert.equal(quoteIdent(d, 'users'), '`users`');
      assert.equal(quoteIdent(d, 'a`b'), '`a``b`');
      assert.equal(quoteIdent(d, 'say "hi"'), '`say "hi"`');
      assert.equal(quoteIdent(d, 'order'), '`order`');
      assert.equal(quoteIdent(d, '名前'), '`名前`');
      assert.equal(quoteIdent(d, '``'), '``````');
    }
  });
  it('refuses names that cannot be written', () => {
    assert.throws(() => quoteIdent('postgres', ''), SqlTextError);
    assert.throws(() => quoteIdent('mysql', 'a\u0000b'), /NUL/);
  });
});

describe('qualifiedTable', () => {
  it('quotes both parts and omits an empty schema', () => {
    assert.equal(qualifiedTable('postgres', { schema: 'app', name: 'User Accounts' }), '"app"."User Accounts"');
    assert.equal(qualifiedTable('mysql', { schema: 'shop', name: 'or`ders' }), '`shop`.`or``ders`');
    assert.equal(qualifiedTable('mariadb', { schema: '', name: 't' }), '`t`');
  });
});

describe('quoteLiteral', () => {
  it('doubles single quotes', () => {
    assert.equal(quoteLiteral('postgres', "it's"), "'it''s'");
    assert.equal(quoteLiteral('mysql', "it's"), "'it''s'");
  });
  it('PostgreSQL: backslashes use an E-string with doubled backslashes, independent of standard_conforming_strings', () => {
    assert.equal(quoteLiteral('postgres', 'a\\b'), "E'a\\\\b'");
    assert.equal(quoteLiteral('postgres', "a\\'"), "E'a\\\\'''");
  });
  it('MySQL: backslashes use a hex literal, independent of NO_BACKSLASH_ESCAPES', () => {
    assert.equal(quoteLiteral('mysql', 'a\\b'), "_utf8mb4 X'615C62'");
    assert.equal(quoteLiteral('mariadb', 'é\\'), "_utf8mb4 X'C3A95C'");
    assert.equal(quoteLiteral('mysql', '😀\\'), "_utf8mb4 X'F09F98805C'");
  });
  it('refuses NUL', () => assert.throws(() => quoteLiteral('postgres', 'a\u0000'), SqlTextError));
  it('plain strings for COMMENT and ENUM values (MariaDB refuses hex literals there)', () => {
    assert.equal(quotePlainString('mariadb', "back\\slash it's"), "'back\\\\slash it''s'");
    assert.equal(quotePlainString('postgres', 'a\\b'), "E'a\\\\b'");
  });
});

describe('expressionProblem', () => {
  it('accepts balanced expressions, quotes included', () => {
    assert.equal(expressionProblem('postgres', "coalesce(a, ';')"), null);
    assert.equal(expressionProblem('mysql', "concat('(', `a;b`)"), null);
    assert.equal(expressionProblem('postgres', "E'it\\'s'"), null);
  });
  it('says what is wrong and where', () => {
    assert.match(expressionProblem('postgres', 'now()); DROP TABLE x; --')!, /unbalanced '\)' at character 6/);
    assert.match(expressionProblem('postgres', '1; DROP TABLE x')!, /';' at character 2 would end the statement/);
    assert.match(expressionProblem('mysql', 'a # c')!, /comment at character 3/);
    assert.match(expressionProblem('postgres', "'abc")!, /unterminated string starting at character 1/);
    assert.match(expressionProblem('postgres', '(1')!, /1 unclosed/);
    assert.match(expressionProblem('postgres', '$$x$$')!, /dollar quoting/);
    assert.match(expressionProblem('postgres', '  ')!, /empty/);
  });
  it('MySQL/MariaDB: the text is one expression whether or not the session reads backslashes as escapes', () => {
    // "a\" x" is one string to MySQL's default mode, so the ';' after it ends the statement (the server runs it: a" x).
    assert.match(expressionProblem('mariadb', '"a\\" x" ; DROP TABLE t; #"')!, /';' at character 9 would end the statement/);
    // Under NO_BACKSLASH_ESCAPES 'a\' is a whole string and the ';' is outside it.
    assert.match(expressionProblem('mysql', "concat('a\\'; DROP TABLE t; #')")!, /';' .* when backslashes are read literally/);
    assert.match(expressionProblem('mysql', "'it\\'s'")!, /unterminated string .* write a quote inside a string doubled/);
    assert.equal(expressionProblem('mysql', "concat('it''s', 'C:\\\\dir', \"x\")"), null);
    assert.equal(expressionProblem('postgres', `"a\\" = 1`), null, 'a PostgreSQL identifier takes no backslash escapes');
  });
  it('PostgreSQL: the text is one expression whether standard_conforming_strings is on or off', () => {
    // With it off, '\' does not end at the second quote: the ';' the standard reading puts inside a string ends the statement.
    assert.match(
      expressionProblem('postgres', "'\\' || ';DROP TABLE other;--'")!,
      /';' at character 9 would end the statement when the server reads a backslash in '…' as an escape \(standard_conforming_strings = off\)/,
    );
    assert.match(
      expressionProblem('postgres', "c <> '\\' || ');DROP TABLE other;--'")!,
      /unbalanced '\)' at character 14 when .*standard_conforming_strings = off/,
    );
    // And the other way round: with it on, 'a\' ends at the second quote.
    assert.match(expressionProblem('postgres', "'a\\'; DROP TABLE t; --'")!, /';' at character 5 would end the statement$/);
    // Backslashes that cannot move a string's end are fine either way; E'…' reads the same under both.
    assert.equal(expressionProblem('postgres', "'C:\\dir' || E'\\n' || 'it''s'"), null);
    assert.equal(expressionProblem('postgres', "E'it\\'s; fine'"), null);
  });
});

describe('helpers', () => {
  it('utf8Length counts bytes', () => {
    assert.equal(utf8Length('abc'), 3);
    assert.equal(utf8Length('é'), 2);
    assert.equal(utf8Length('名'), 3);
    assert.equal(utf8Length('😀'), 4);
  });
  it('noop downs are recognisable', () => {
    assert.equal(isNoopSql(noopSql('validation only')), true);
    assert.equal(isNoopSql('ALTER TABLE "t" DROP COLUMN "c"'), false);
    assert.equal(noopSql('a\nb').includes('\n'), false);
  });
});

describe('readQuotedName', () => {
  it('reads a quoted name from its opening quote, a doubled quote as one, and says where it ends', () => {
    assert.deepEqual(readQuotedName('"My ""T"".x".y', 0), { value: 'My "T".x', end: 12 });
    assert.deepEqual(readQuotedName('s.`a``b`', 2), { value: 'a`b', end: 8 });
    assert.deepEqual(readQuotedName('""', 0), { value: '', end: 2 });
    assert.equal(readQuotedName('"never closed', 0), undefined);
    assert.equal(readQuotedName('"ends in a doubled quote""', 0), undefined);
  });
});
