#!/usr/bin/env node
'use strict';
/**
 * The Microsoft 365 Agents Toolkit's YAML schema, vendored for the offline check of the
 * m365agents*.yml files (test/app/toolkitProject.test.ts). Microsoft ships it only inside
 * @microsoft/teamsfx-core, a 25 MB tarball that installs 400+ packages (~300 MB); Dragon Desk
 * needs one 81 KB file of it, so the file is kept in the repository with the package version and
 * digest it came from (test/app/toolkit-schema/SOURCE.json).
 *
 *   node scripts/toolkit-schema.js           fetch the recorded version's tarball (npm pack: no
 *                                            install, no scripts), extract the schema, re-vendor it
 *   node scripts/toolkit-schema.js --check   fetch it and fail if the vendored copy differs
 *   node scripts/toolkit-schema.js --version 3.2.0   vendor another package version
 */
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, 'test', 'app', 'toolkit-schema');
const SOURCE = path.join(DIR, 'SOURCE.json');

function sha256(buffer) {
  return crypto.createHash('sha256').update(buffer).digest('hex');
}

function fromPackage(pkg, version, file) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'toolkit-schema-'));
  try {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', `${pkg}@${version}`, '--json', '--pack-destination', tmp], {
        cwd: tmp,
        encoding: 'utf8',
      }),
    );
    const tarball = path.join(tmp, packed[0].filename);
    execFileSync('tar', ['-xzf', tarball, '-C', tmp, `package/${file}`]);
    return fs.readFileSync(path.join(tmp, 'package', file));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main(argv) {
  const source = JSON.parse(fs.readFileSync(SOURCE, 'utf8'));
  const at = argv.indexOf('--version');
  const version = at >= 0 ? argv[at + 1] : source.version;
  const fetched = fromPackage(source.package, version, source.file);
  const vendored = path.join(DIR, path.basename(path.dirname(source.file)), path.basename(source.file));
  if (argv.includes('--check')) {
    const same = fs.existsSync(vendored) && sha256(fs.readFileSync(vendored)) === sha256(fetched);
    console.log(`${source.package}@${version} ${source.file}: ${same ? 'matches the vendored copy' : 'DIFFERS'}`);
    return same ? 0 : 1;
  }
  fs.mkdirSync(path.dirname(vendored), { recursive: true });
  fs.writeFileSync(vendored, fetched);
  fs.writeFileSync(SOURCE, `${JSON.stringify({ ...source, version, sha256: sha256(fetched) }, null, 2)}\n`);
  console.log(`vendored ${source.package}@${version} ${source.file} → ${path.relative(ROOT, vendored)}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
