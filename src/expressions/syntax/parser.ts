/**
 * Parses APIM expression text with tree-sitter's C# grammar. The expression is wrapped in a
 * one-line C# scaffold (a method returning it, or a method whose body is the `@{…}` block),
 * so the grammar sees a complete compilation unit; positions are mapped back to the policy
 * document. The scaffold prefix never contains a newline, so only the first line shifts.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';
import { ExpressionCompileError, type SourcePosition } from '../errors.js';

const PREFIX_CLASS = 'class __PorticoExpression{object __Evaluate()';
const EXPRESSION_PREFIX = `${PREFIX_CLASS}{return `;
/** The newline keeps a trailing `//` comment in the expression from swallowing the `;`. */
const EXPRESSION_SUFFIX = '\n;}}';
const BLOCK_SUFFIX = '\n}';

let parser: Parser | undefined;
let initializing: Promise<void> | undefined;

/** Load the tree-sitter runtime and the C# grammar once per process. */
export function initParser(): Promise<void> {
  if (parser) return Promise.resolve();
  initializing ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const language = await Language.load(require.resolve('tree-sitter-c-sharp/tree-sitter-c_sharp.wasm'));
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })();
  return initializing;
}

export type ExpressionForm = 'expression' | 'block';

export interface ParsedSource {
  readonly form: ExpressionForm;
  /** The expression node (`@(…)`) or the block node (`@{…}`). */
  readonly body: Node;
  /** Document position of a node's first character. */
  position(node: Node): SourcePosition;
  /** Document position of a node's end. */
  endPosition(node: Node): SourcePosition;
  /** Release the tree's WASM memory; nodes are invalid afterwards. */
  dispose(): void;
}

interface Layout {
  readonly form: ExpressionForm;
  readonly text: string;
  /** Offset inside `source` of the first character fed to the parser. */
  readonly sourceOffset: number;
  readonly prefixLength: number;
}

function layout(source: string, start: SourcePosition): Layout {
  if (source.startsWith('@(')) {
    if (!source.endsWith(')') || source.length < 3) {
      throw new ExpressionCompileError('Syntax', "An '@(' expression must end with ')'.", start);
    }
    const inner = source.slice(2, -1);
    return { form: 'expression', text: EXPRESSION_PREFIX + inner + EXPRESSION_SUFFIX, sourceOffset: 2, prefixLength: EXPRESSION_PREFIX.length };
  }
  if (source.startsWith('@{')) {
    if (!source.endsWith('}')) throw new ExpressionCompileError('Syntax', "An '@{' block must end with '}'.", start);
    return { form: 'block', text: PREFIX_CLASS + source.slice(1) + BLOCK_SUFFIX, sourceOffset: 1, prefixLength: PREFIX_CLASS.length };
  }
  // A bare expression (no `@(…)` wrapper) is accepted for programmatic callers.
  return { form: 'expression', text: EXPRESSION_PREFIX + source + EXPRESSION_SUFFIX, sourceOffset: 0, prefixLength: EXPRESSION_PREFIX.length };
}

function firstError(root: Node): Node | undefined {
  if (!root.hasError) return undefined;
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    // web-tree-sitter does not flag every inserted (missing) token; a zero-width named
    // leaf is one, so it is treated the same way.
    if (n.isError || n.isMissing || (n.startIndex === n.endIndex && n.childCount === 0 && n.type !== 'compilation_unit')) return n;
    if (!n.hasError && !n.isError) continue;
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
  return root;
}

function describeError(n: Node): string {
  const parent = n.parent;
  if (parent?.type === 'postfix_unary_expression' && parent.parent?.type === 'expression_statement' && n.startIndex === n.endIndex) {
    // tree-sitter "repairs" `x.Length;` by inventing a postfix operator.
    return 'Only assignment, call, increment, decrement and new object expressions can be used as a statement.';
  }
  if (n.isMissing || n.startIndex === n.endIndex) {
    return n.isNamed ? `Syntax error: ${n.type.replace(/_/g, ' ')} expected.` : `Syntax error: '${n.type}' expected.`;
  }
  const text = n.text.split('\n')[0].trim();
  const snippet = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `Syntax error: unexpected '${snippet}'.`;
}

/** Skip surrounding whitespace (text nodes often wrap `@{…}` in newlines), moving `start` along. */
function trimmed(source: string, start: SourcePosition): { text: string; start: SourcePosition } {
  const lead = /^\s*/.exec(source)![0];
  const lines = lead.split('\n');
  const at: SourcePosition =
    lines.length === 1 ? { line: start.line, column: start.column + lead.length } : { line: start.line + lines.length - 1, column: lines[lines.length - 1].length + 1 };
  return { text: source.slice(lead.length).trimEnd(), start: at };
}

/** Parse expression text (`@(…)`, `@{…}` or a bare expression) starting at `start` in the document. */
export function parseExpressionSource(rawSource: string, rawStart: SourcePosition): ParsedSource {
  if (!parser) throw new Error('initExpressions() must complete before expressions are compiled');
  const { text: source, start } = trimmed(rawSource, rawStart);
  const lay = layout(source, start);
  const tree: Tree | null = parser.parse(lay.text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  // Where the parsed text's first character sits in the document.
  const firstLine = start.line;
  const firstColumn = start.column + lay.sourceOffset;
  const map = (row: number, column: number): SourcePosition =>
    row === 0
      ? { line: firstLine, column: firstColumn + Math.max(0, column - lay.prefixLength) }
      : { line: firstLine + row, column: column + 1 };
  const position = (n: Node): SourcePosition => map(n.startPosition.row, n.startPosition.column);
  const endPosition = (n: Node): SourcePosition => map(n.endPosition.row, n.endPosition.column);
  const dispose = (): void => tree.delete();

  try {
    const err = firstError(tree.rootNode);
    if (err) throw new ExpressionCompileError('Syntax', describeError(err), position(err));
    const method = findMethod(tree.rootNode);
    if (!method) throw new ExpressionCompileError('Syntax', 'Syntax error: the expression is not a valid C# expression.', start);
    const block = method.childForFieldName('body');
    if (!block || block.type !== 'block') {
      throw new ExpressionCompileError('Syntax', 'Syntax error: the expression is not a valid C# expression.', start);
    }
    if (lay.form === 'block') return { form: 'block', body: block, position, endPosition, dispose };
    const statements = block.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    const ret = statements[0];
    if (statements.length !== 1 || ret.type !== 'return_statement' || !ret.namedChildren.some((c) => c && c.type !== 'comment')) {
      throw new ExpressionCompileError('Syntax', 'Syntax error: a single C# expression is expected inside @( ).', start);
    }
    const expr = ret.namedChildren.find((c): c is Node => c !== null && c.type !== 'comment')!;
    return { form: 'expression', body: expr, position, endPosition, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

function findMethod(root: Node): Node | undefined {
  const cls = root.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (cls.length !== 1 || cls[0].type !== 'class_declaration') return undefined;
  const body = cls[0].childForFieldName('body');
  const members = body?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (members.length !== 1 || members[0].type !== 'method_declaration') return undefined;
  return members[0];
}
