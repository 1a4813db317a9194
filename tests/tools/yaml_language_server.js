// Ask the real yaml-language-server what an editor would show for a YAML file under a schema:
// its validation problems, and its hover text at given lines. Usage:
//   node yaml_language_server.js SCHEMA.json FILE.yaml '[[line, character], ...]'
// Prints JSON: {"diagnostics": [{"line", "message"}], "hovers": ["markdown", ...]}.
"use strict";
const fs = require("fs");
const path = require("path");
const { getLanguageService } = require("yaml-language-server");
const { TextDocument } = require("vscode-languageserver-textdocument");

async function main() {
  const [schemaFile, yamlFile, positions] = process.argv.slice(2);
  const schemaUri = "file://" + path.resolve(schemaFile);
  const service = getLanguageService({
    schemaRequestService: async (uri) => fs.readFileSync(new URL(uri), "utf-8"),
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
  });
  service.configure({
    validate: true, hover: true, completion: true,
    schemas: [{ uri: schemaUri, fileMatch: ["*.yaml"] }],
  });
  const document = TextDocument.create("file://" + path.resolve(yamlFile), "yaml", 1, fs.readFileSync(yamlFile, "utf-8"));
  const problems = await service.doValidation(document, false);
  const hovers = [];
  for (const [line, character] of JSON.parse(positions || "[]")) {
    const hover = await service.doHover(document, { line, character });
    hovers.push(hover ? hover.contents.value || String(hover.contents) : "");
  }
  const diagnostics = problems.map((p) => ({ line: p.range.start.line + 1, message: p.message }));
  process.stdout.write(JSON.stringify({ diagnostics, hovers }));
}

main().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
