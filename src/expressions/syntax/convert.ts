/**
 * tree-sitter CST → expression AST. Besides the shape change this is where tree-sitter's
 * precedence slips are corrected, so the compiler can trust the tree:
 *  - `x ?? y?.Z` and `!a?.b` come out as `(x ?? y)?.Z` / `(!a)?.b`: a conditional access whose
 *    target is not a primary expression is rotated into that expression's rightmost operand,
 *    and postfix operations on a conditional access join its chain (`a?.b.c()`).
 *  - `o is null || x` comes out as `o is (null || x)`: the constant pattern is cut back to
 *    what C# allows there (a relational-or-tighter expression).
 *  - `(x) - 1` comes out as a cast of `-1`: a parenthesised non-keyword "type" followed by a
 *    `+`/`-` operand is a subtraction/addition in C#.
 */
import type { Node } from 'web-tree-sitter';
import { ExpressionCompileError, type SourcePosition } from '../errors.js';
import type {
  Argument,
  Block,
  CatchClause,
  Declarator,
  Expr,
  Initializer,
  InterpolationHole,
  LambdaParam,
  LocalDeclaration,
  Pattern,
  Statement,
  SwitchSection,
  TypeSyntax,
} from './ast.js';
import { decodeEscape, decodeEscapes, decodeIntegerLiteral, decodeRealLiteral } from './literals.js';

type PositionOf = (n: Node) => SourcePosition;

/** Operators that bind looser than a primary expression: a `?.` never starts inside them. */
const LOOSE_KINDS = new Set<Expr['kind']>(['binary', 'conditional', 'assign', 'unary', 'cast', 'as', 'is', 'lambda', 'throw', 'switch']);
/** Operators looser than relational: they cannot appear inside a constant pattern. */
const LOOSER_THAN_RELATIONAL = new Set(['==', '!=', '&', '^', '|', '&&', '||', '??']);

function namedChildren(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function children(n: Node): Node[] {
  return n.children.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function field(n: Node, name: string): Node | undefined {
  return n.childForFieldName(name) ?? undefined;
}

export class CstConverter {
  /** Binaries created by the `(x) - 1` repair; an enclosing cast re-associates with them. */
  private readonly repairedCasts = new WeakSet<Expr>();
  /** Expressions written in parentheses: precedence repairs never reach inside them. */
  private readonly parenthesized = new WeakSet<Expr>();

  constructor(private readonly positionOf: PositionOf) {}

  private pos(n: Node): SourcePosition {
    return this.positionOf(n);
  }

  private unsupported(n: Node, what?: string): never {
    const label = what ?? `'${n.type.replace(/_/g, ' ')}'`;
    throw new ExpressionCompileError('UnsupportedSyntax', `${label} is not supported in policy expressions.`, this.pos(n), what ? undefined : n.type);
  }

  private required(n: Node | undefined, parent: Node, what: string): Node {
    if (!n) throw new ExpressionCompileError('Syntax', `Syntax error: ${what} expected.`, this.pos(parent));
    return n;
  }

  // ---------------------------------------------------------------- types

  type(n: Node): TypeSyntax {
    const pos = this.pos(n);
    switch (n.type) {
      case 'predefined_type':
      case 'identifier':
        return { kind: 'named', pos, name: n.text, args: [] };
      case 'implicit_type':
        return { kind: 'var', pos };
      case 'generic_name': {
        const [id, list] = namedChildren(n);
        return { kind: 'named', pos, name: id.text, args: namedChildren(list).map((a) => this.type(a)) };
      }
      case 'qualified_name': {
        const qualifier = this.type(this.required(field(n, 'qualifier'), n, 'name'));
        const right = this.type(this.required(field(n, 'name'), n, 'name'));
        if (qualifier.kind !== 'named' || right.kind !== 'named' || qualifier.args.length) return this.unsupported(n, 'This type syntax');
        return { kind: 'named', pos, name: `${qualifier.name}.${right.name}`, args: right.args };
      }
      case 'array_type': {
        const element = this.type(this.required(field(n, 'type'), n, 'type'));
        const rank = field(n, 'rank');
        if (rank && rank.text.includes(',')) return this.unsupported(n, 'Multi-dimensional arrays');
        return { kind: 'array', pos, element };
      }
      case 'nullable_type':
        return { kind: 'nullable', pos, inner: this.type(this.required(field(n, 'type') ?? namedChildren(n)[0], n, 'type')) };
      default:
        return this.unsupported(n, `The type syntax '${n.text}'`);
    }
  }

  // ---------------------------------------------------------------- expressions

  expr(n: Node): Expr {
    const pos = this.pos(n);
    switch (n.type) {
      case 'identifier':
        return { kind: 'name', pos, name: n.text };
      case 'generic_name': {
        const [id, list] = namedChildren(n);
        return { kind: 'name', pos, name: id.text, typeArgs: namedChildren(list).map((a) => this.type(a)) };
      }
      case 'predefined_type':
        return { kind: 'predefinedType', pos, name: n.text };
      case 'qualified_name': {
        const t = this.type(n);
        if (t.kind !== 'named') return this.unsupported(n);
        const parts = t.name.split('.');
        let e: Expr = { kind: 'name', pos, name: parts[0] };
        for (let i = 1; i < parts.length; i++) {
          const last = i === parts.length - 1;
          e = { kind: 'member', pos, target: e, name: parts[i], namePos: pos, typeArgs: last && t.args.length ? t.args : undefined };
        }
        return e;
      }
      case 'parenthesized_expression': {
        const inner = this.expr(this.required(namedChildren(n)[0], n, 'expression'));
        this.parenthesized.add(inner);
        return inner;
      }
      case 'integer_literal': {
        const d = decodeIntegerLiteral(n.text);
        if (!d) throw new ExpressionCompileError('Syntax', `Integral constant '${n.text}' is too large.`, pos);
        return { kind: 'literal', pos, type: d.type, value: d.value };
      }
      case 'real_literal': {
        const d = decodeRealLiteral(n.text);
        return { kind: 'literal', pos, type: d.type, value: d.value };
      }
      case 'boolean_literal':
        return { kind: 'literal', pos, type: 'bool', value: n.text === 'true' };
      case 'null_literal':
        return { kind: 'literal', pos, type: 'null', value: null };
      case 'character_literal':
        return { kind: 'literal', pos, type: 'char', value: this.charValue(n) };
      case 'string_literal':
        return { kind: 'literal', pos, type: 'string', value: this.stringValue(n) };
      case 'verbatim_string_literal':
        return { kind: 'literal', pos, type: 'string', value: n.text.slice(2, -1).replace(/""/g, '"') };
      case 'interpolated_string_expression':
        return this.interpolated(n);
      case 'member_access_expression':
        return this.memberAccess(n);
      case 'invocation_expression':
        return this.invocation(n);
      case 'element_access_expression': {
        const target = this.required(field(n, 'expression'), n, 'expression');
        const args = this.argumentList(this.required(field(n, 'subscript'), n, 'subscript'));
        return this.postfix(target, (t) => ({ kind: 'index', pos, target: t, args }));
      }
      case 'conditional_access_expression':
        return this.conditionalAccess(n);
      case 'prefix_unary_expression':
        return this.prefixUnary(n);
      case 'postfix_unary_expression': {
        const [operand] = namedChildren(n);
        const op = children(n).find((c) => !c.isNamed)?.text ?? '';
        if (op === '!') return this.expr(operand); // null-forgiving operator: no run-time effect
        if (op !== '++' && op !== '--') return this.unsupported(n, `The operator '${op}'`);
        return { kind: 'unary', pos, op, postfix: true, operand: this.expr(operand) };
      }
      case 'binary_expression': {
        const op = this.required(field(n, 'operator'), n, 'operator').text;
        return {
          kind: 'binary',
          pos: this.pos(this.required(field(n, 'operator'), n, 'operator')),
          op,
          left: this.expr(this.required(field(n, 'left'), n, 'operand')),
          right: this.expr(this.required(field(n, 'right'), n, 'operand')),
        };
      }
      case 'assignment_expression': {
        const left = this.required(field(n, 'left'), n, 'target');
        const op = this.required(field(n, 'operator'), n, 'operator').text;
        return { kind: 'assign', pos, op, target: this.expr(left), value: this.expr(this.required(field(n, 'right'), n, 'value')) };
      }
      case 'conditional_expression':
        return {
          kind: 'conditional',
          pos,
          condition: this.expr(this.required(field(n, 'condition'), n, 'condition')),
          whenTrue: this.expr(this.required(field(n, 'consequence'), n, 'expression')),
          whenFalse: this.expr(this.required(field(n, 'alternative'), n, 'expression')),
        };
      case 'cast_expression':
        return this.cast(n);
      case 'as_expression':
        return {
          kind: 'as',
          pos,
          operand: this.expr(this.required(field(n, 'left'), n, 'operand')),
          type: this.type(this.required(field(n, 'right'), n, 'type')),
        };
      case 'is_expression': {
        const type = this.type(this.required(field(n, 'right'), n, 'type'));
        return { kind: 'is', pos, operand: this.expr(this.required(field(n, 'left'), n, 'operand')), pattern: { kind: 'type', pos: type.pos, type } };
      }
      case 'is_pattern_expression':
        return this.isPattern(n);
      case 'lambda_expression':
        return this.lambda(n);
      case 'object_creation_expression':
        return this.objectCreation(n);
      case 'anonymous_object_creation_expression':
        return this.anonymousObject(n);
      case 'array_creation_expression':
        return this.arrayCreation(n);
      case 'implicit_array_creation_expression': {
        const init = namedChildren(n).find((c) => c.type === 'initializer_expression');
        return { kind: 'newArray', pos, elements: init ? namedChildren(init).map((c) => this.expr(c)) : [] };
      }
      case 'initializer_expression':
        return { kind: 'arrayInitializer', pos, elements: namedChildren(n).map((c) => this.expr(c)) };
      case 'default_expression': {
        const t = field(n, 'type');
        return { kind: 'default', pos, type: t ? this.type(t) : undefined };
      }
      case 'checked_expression': {
        const keyword = children(n)[0]?.text;
        return { kind: 'checked', pos, checked: keyword === 'checked', operand: this.expr(this.required(namedChildren(n)[0], n, 'expression')) };
      }
      case 'throw_expression':
        return { kind: 'throw', pos, operand: this.expr(this.required(namedChildren(n)[0], n, 'expression')) };
      case 'declaration_expression':
        return {
          kind: 'declaration',
          pos,
          type: this.type(this.required(field(n, 'type'), n, 'type')),
          name: this.required(field(n, 'name'), n, 'name').text,
        };
      case 'typeof_expression':
        return { kind: 'typeof', pos, type: this.type(this.required(field(n, 'type'), n, 'type')) };
      case 'switch_expression':
        return this.switchExpression(n);
      case 'query_expression':
        return this.unsupported(n, 'LINQ query syntax (from … select) — use the method syntax (Where/Select)');
      case 'await_expression':
        return this.unsupported(n, "'await'");
      case 'this':
      case 'base':
        return this.unsupported(n, `'${n.type}'`);
      default:
        return this.unsupported(n);
    }
  }

  private charValue(n: Node): string {
    const inner = namedChildren(n)[0];
    if (!inner) return n.text.slice(1, -1);
    return inner.type === 'escape_sequence' ? decodeEscape(inner.text) : inner.text;
  }

  private stringValue(n: Node): string {
    let s = '';
    for (const c of namedChildren(n)) {
      if (c.type === 'escape_sequence') s += decodeEscape(c.text);
      else if (c.type === 'string_literal_content') s += c.text;
    }
    return s;
  }

  private interpolated(n: Node): Expr {
    const start = namedChildren(n).find((c) => c.type === 'interpolation_start')?.text ?? '$';
    if (start.includes('"') || /\$\$/.test(start)) return this.unsupported(n, 'Raw interpolated strings');
    const verbatim = start.includes('@');
    const parts: (string | InterpolationHole)[] = [];
    const pushText = (t: string): void => {
      if (typeof parts[parts.length - 1] === 'string') parts[parts.length - 1] = (parts[parts.length - 1] as string) + t;
      else parts.push(t);
    };
    for (const c of namedChildren(n)) {
      if (c.type === 'string_content') {
        let t = c.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
        t = verbatim ? t.replace(/""/g, '"') : decodeEscapes(t);
        pushText(t);
      } else if (c.type === 'escape_sequence') {
        pushText(decodeEscape(c.text));
      } else if (c.type === 'interpolation') {
        const kids = namedChildren(c).filter((k) => k.type !== 'interpolation_brace');
        const exprNode = kids.find((k) => k.type !== 'interpolation_alignment_clause' && k.type !== 'interpolation_format_clause');
        const alignNode = kids.find((k) => k.type === 'interpolation_alignment_clause');
        const formatNode = kids.find((k) => k.type === 'interpolation_format_clause');
        const hole: InterpolationHole = {
          expr: this.expr(this.required(exprNode, c, 'expression')),
          alignment: alignNode ? this.expr(this.required(namedChildren(alignNode)[0], alignNode, 'alignment')) : undefined,
          format: formatNode ? formatNode.text.slice(1) : undefined,
        };
        parts.push(hole);
      }
    }
    return { kind: 'interpolated', pos: this.pos(n), parts };
  }

  /**
   * Apply a postfix operation to the expression `targetNode`. When the target is itself an
   * un-parenthesised conditional access, the operation belongs inside its chain (C# binds
   * `a?.b.c` as `a?.(b.c)`), and inside a rotated looser expression it belongs to the
   * rightmost operand.
   */
  private postfix(targetNode: Node, apply: (target: Expr) => Expr): Expr {
    const target = this.expr(targetNode);
    // Without parentheses, a postfix operation can only follow a looser expression in
    // tree-sitter's output when the tree is one of its slips; it belongs inside.
    const misplaced = !this.parenthesized.has(target) && (target.kind === 'conditionalAccess' || LOOSE_KINDS.has(target.kind));
    return misplaced ? this.applyInside(target, apply) : apply(target);
  }

  private applyInside(e: Expr, apply: (target: Expr) => Expr): Expr {
    if (this.parenthesized.has(e)) return apply(e);
    switch (e.kind) {
      case 'conditionalAccess':
        return { ...e, chain: apply(e.chain) };
      case 'binary':
        return { ...e, right: this.applyInside(e.right, apply) };
      case 'conditional':
        return { ...e, whenFalse: this.applyInside(e.whenFalse, apply) };
      case 'unary':
        return e.postfix ? apply(e) : { ...e, operand: this.applyInside(e.operand, apply) };
      case 'cast':
        return { ...e, operand: this.applyInside(e.operand, apply) };
      case 'assign':
        return { ...e, value: this.applyInside(e.value, apply) };
      default:
        return apply(e);
    }
  }

  private memberAccess(n: Node): Expr {
    const pos = this.pos(n);
    const nameNode = this.required(field(n, 'name'), n, 'member name');
    const targetNode = this.required(field(n, 'expression'), n, 'expression');
    const { name, typeArgs } = this.simpleName(nameNode);
    if (targetNode.type === 'predefined_type') {
      return { kind: 'member', pos, target: { kind: 'predefinedType', pos: this.pos(targetNode), name: targetNode.text }, name, namePos: this.pos(nameNode), typeArgs };
    }
    return this.postfix(targetNode, (target) => ({ kind: 'member', pos, target, name, namePos: this.pos(nameNode), typeArgs }));
  }

  private simpleName(n: Node): { name: string; typeArgs?: TypeSyntax[] } {
    if (n.type === 'generic_name') {
      const [id, list] = namedChildren(n);
      return { name: id.text, typeArgs: namedChildren(list).map((a) => this.type(a)) };
    }
    if (n.type !== 'identifier') return this.unsupported(n);
    return { name: n.text };
  }

  private invocation(n: Node): Expr {
    const pos = this.pos(n);
    const fn = this.required(field(n, 'function'), n, 'method');
    const args = this.argumentList(this.required(field(n, 'arguments'), n, 'arguments'));
    if (fn.type === 'identifier' && fn.text === 'nameof') {
      const a = args[0]?.value;
      const name = a?.kind === 'name' ? a.name : a?.kind === 'member' ? a.name : undefined;
      if (args.length !== 1 || name === undefined) throw new ExpressionCompileError('Syntax', 'nameof expects one name.', pos);
      return { kind: 'nameof', pos, name };
    }
    return this.postfix(fn, (target) => ({ kind: 'invoke', pos, target, args }));
  }

  private conditionalAccess(n: Node): Expr {
    const pos = this.pos(n);
    const condNode = this.required(field(n, 'condition'), n, 'expression');
    const binding = namedChildren(n).find((c) => c !== condNode && (c.type === 'member_binding_expression' || c.type === 'element_binding_expression'));
    if (!binding) return this.unsupported(n);
    const receiver: Expr = { kind: 'receiver', pos };
    let chain: Expr;
    if (binding.type === 'member_binding_expression') {
      const nameNode = this.required(field(binding, 'name'), binding, 'member name');
      const { name, typeArgs } = this.simpleName(nameNode);
      chain = { kind: 'member', pos: this.pos(binding), target: receiver, name, namePos: this.pos(nameNode), typeArgs };
    } else {
      chain = { kind: 'index', pos: this.pos(binding), target: receiver, args: this.arguments(binding) };
    }
    const target = this.expr(condNode);
    return this.attachConditional(target, chain, pos);
  }

  private attachConditional(target: Expr, chain: Expr, pos: SourcePosition): Expr {
    if (LOOSE_KINDS.has(target.kind) && !this.parenthesized.has(target)) {
      switch (target.kind) {
        case 'binary':
          return { ...target, right: this.attachConditional(target.right, chain, pos) };
        case 'conditional':
          return { ...target, whenFalse: this.attachConditional(target.whenFalse, chain, pos) };
        case 'unary':
          if (!target.postfix) return { ...target, operand: this.attachConditional(target.operand, chain, pos) };
          break;
        case 'cast':
          return { ...target, operand: this.attachConditional(target.operand, chain, pos) };
        case 'assign':
          return { ...target, value: this.attachConditional(target.value, chain, pos) };
        default:
          break;
      }
    }
    return { kind: 'conditionalAccess', pos, target, chain };
  }

  private prefixUnary(n: Node): Expr {
    const pos = this.pos(n);
    const op = children(n)[0]?.text ?? '';
    const operand = this.expr(this.required(namedChildren(n)[0], n, 'operand'));
    if (op === '!' || op === '-' || op === '+' || op === '~' || op === '++' || op === '--') {
      return { kind: 'unary', pos, op, postfix: false, operand };
    }
    return this.unsupported(n, `The operator '${op}'`);
  }

  private cast(n: Node): Expr {
    const pos = this.pos(n);
    const typeNode = this.required(field(n, 'type'), n, 'type');
    const valueNode = this.required(field(n, 'value'), n, 'expression');
    const nameLike = typeNode.type === 'identifier' || typeNode.type === 'qualified_name' || typeNode.type === 'generic_name';
    if (nameLike && valueNode.type === 'prefix_unary_expression') {
      const op = children(valueNode)[0]?.text;
      if (op === '-' || op === '+') {
        const repaired: Expr = {
          kind: 'binary',
          pos: this.pos(children(valueNode)[0]),
          op,
          left: this.expr(typeNode),
          right: this.expr(this.required(namedChildren(valueNode)[0], valueNode, 'operand')),
        };
        this.repairedCasts.add(repaired);
        return repaired;
      }
    }
    const type = this.type(typeNode);
    const operand = this.expr(valueNode);
    if (operand.kind === 'binary' && this.repairedCasts.has(operand)) {
      const rotated: Expr = { ...operand, left: { kind: 'cast', pos, type, operand: operand.left } };
      this.repairedCasts.add(rotated);
      return rotated;
    }
    return { kind: 'cast', pos, type, operand };
  }

  private isPattern(n: Node): Expr {
    const pos = this.pos(n);
    const operand = this.expr(this.required(field(n, 'expression'), n, 'expression'));
    const patternNode = this.required(field(n, 'pattern'), n, 'pattern');
    if (patternNode.type === 'constant_pattern') {
      const inner = namedChildren(patternNode)[0];
      if (inner && (inner.type === 'binary_expression' || inner.type === 'conditional_expression')) {
        return this.splitConstantPattern(operand, this.expr(inner), pos);
      }
    }
    return { kind: 'is', pos, operand, pattern: this.pattern(patternNode) };
  }

  /** `o is A op B` where `op` is looser than relational means `(o is A) op B`. */
  private splitConstantPattern(operand: Expr, value: Expr, pos: SourcePosition): Expr {
    if (value.kind === 'binary' && LOOSER_THAN_RELATIONAL.has(value.op)) {
      return { ...value, left: this.splitConstantPattern(operand, value.left, pos) };
    }
    if (value.kind === 'conditional') {
      return { ...value, condition: this.splitConstantPattern(operand, value.condition, pos) };
    }
    return { kind: 'is', pos, operand, pattern: { kind: 'constant', pos: value.pos, value } };
  }

  pattern(n: Node): Pattern {
    const pos = this.pos(n);
    switch (n.type) {
      case 'constant_pattern':
        return { kind: 'constant', pos, value: this.expr(this.required(namedChildren(n)[0], n, 'constant')) };
      case 'type_pattern':
        return { kind: 'type', pos, type: this.type(this.required(field(n, 'type') ?? namedChildren(n)[0], n, 'type')) };
      case 'declaration_pattern': {
        const typeNode = this.required(field(n, 'type'), n, 'type');
        const name = this.required(field(n, 'name'), n, 'name').text;
        if (typeNode.type === 'implicit_type') return { kind: 'var', pos, name };
        return { kind: 'type', pos, type: this.type(typeNode), name };
      }
      case 'var_pattern': {
        const name = namedChildren(n).find((c) => c.type === 'identifier');
        return name ? { kind: 'var', pos, name: name.text } : this.unsupported(n);
      }
      case 'negated_pattern':
        return { kind: 'not', pos, pattern: this.pattern(this.required(namedChildren(n)[0], n, 'pattern')) };
      case 'and_pattern':
      case 'or_pattern': {
        const [l, r] = namedChildren(n);
        return { kind: n.type === 'and_pattern' ? 'and' : 'or', pos, left: this.pattern(l), right: this.pattern(r) };
      }
      case 'parenthesized_pattern':
        return this.pattern(this.required(namedChildren(n)[0], n, 'pattern'));
      case 'relational_pattern': {
        const op = children(n)[0]?.text as '<' | '<=' | '>' | '>=';
        return { kind: 'relational', pos, op, value: this.expr(this.required(namedChildren(n)[0], n, 'constant')) };
      }
      case 'discard':
        return { kind: 'discard', pos };
      case 'predefined_type':
      case 'identifier':
      case 'qualified_name':
      case 'generic_name':
        return { kind: 'type', pos, type: this.type(n) };
      default:
        // Older grammar shapes put a bare expression where a constant pattern is meant.
        return { kind: 'constant', pos, value: this.expr(n) };
    }
  }

  private lambda(n: Node): Expr {
    const pos = this.pos(n);
    if (children(n).some((c) => !c.isNamed && c.text === 'async')) return this.unsupported(n, 'async lambdas');
    const paramsNode = this.required(field(n, 'parameters'), n, 'parameters');
    const params: LambdaParam[] = [];
    if (paramsNode.type === 'implicit_parameter' || paramsNode.type === 'identifier') {
      params.push({ pos: this.pos(paramsNode), name: paramsNode.text });
    } else {
      for (const p of namedChildren(paramsNode)) {
        if (p.type !== 'parameter') continue;
        const t = field(p, 'type');
        params.push({ pos: this.pos(p), name: this.required(field(p, 'name'), p, 'name').text, type: t ? this.type(t) : undefined });
      }
    }
    const bodyNode = this.required(field(n, 'body'), n, 'body');
    const body = bodyNode.type === 'block' ? this.block(bodyNode) : this.expr(bodyNode);
    return { kind: 'lambda', pos, params, body };
  }

  private argumentList(n: Node): Argument[] {
    return this.arguments(n);
  }

  private arguments(n: Node): Argument[] {
    return namedChildren(n)
      .filter((c) => c.type === 'argument')
      .map((a) => {
        const nameNode = field(a, 'name');
        const modifier = children(a).find((c) => !c.isNamed && (c.text === 'out' || c.text === 'ref' || c.text === 'in'))?.text as
          | 'out'
          | 'ref'
          | 'in'
          | undefined;
        const valueNode = namedChildren(a).find((c) => c !== nameNode && c.id !== nameNode?.id);
        return { pos: this.pos(a), name: nameNode?.text, modifier, value: this.expr(this.required(valueNode, a, 'argument')) };
      });
  }

  private objectCreation(n: Node): Expr {
    const pos = this.pos(n);
    const type = this.type(this.required(field(n, 'type'), n, 'type'));
    const argsNode = field(n, 'arguments');
    const initNode = field(n, 'initializer');
    return {
      kind: 'new',
      pos,
      type,
      args: argsNode ? this.argumentList(argsNode) : [],
      initializer: initNode ? this.initializer(initNode) : undefined,
    };
  }

  private initializer(n: Node): Initializer {
    const pos = this.pos(n);
    const items = namedChildren(n);
    const isObject = items.length > 0 && items.every((c) => c.type === 'assignment_expression');
    if (isObject) {
      return {
        kind: 'object',
        pos,
        members: items.map((a) => {
          const left = this.required(field(a, 'left'), a, 'member');
          const right = this.required(field(a, 'right'), a, 'value');
          const value = right.type === 'initializer_expression' ? this.initializer(right) : this.expr(right);
          if (left.type === 'element_binding_expression') return { pos: this.pos(a), index: this.arguments(left), value };
          if (left.type !== 'identifier') return this.unsupported(left, 'This object initializer member');
          return { pos: this.pos(a), name: left.text, value };
        }),
      };
    }
    return {
      kind: 'collection',
      pos,
      items: items.map((c) => (c.type === 'initializer_expression' ? namedChildren(c).map((x) => this.expr(x)) : [this.expr(c)])),
    };
  }

  private anonymousObject(n: Node): Expr {
    const members: { pos: SourcePosition; name: string; value: Expr }[] = [];
    const kids = children(n).filter((c) => c.text !== 'new' && c.text !== '{' && c.text !== '}');
    let i = 0;
    while (i < kids.length) {
      const c = kids[i];
      if (c.text === ',') {
        i++;
        continue;
      }
      if (kids[i + 1]?.text === '=' && c.type === 'identifier') {
        members.push({ pos: this.pos(c), name: c.text, value: this.expr(this.required(kids[i + 2], n, 'value')) });
        i += 3;
        continue;
      }
      const value = this.expr(c);
      const name = value.kind === 'name' ? value.name : value.kind === 'member' ? value.name : undefined;
      if (name === undefined) throw new ExpressionCompileError('Syntax', 'Invalid anonymous type member declarator.', this.pos(c));
      members.push({ pos: this.pos(c), name, value });
      i++;
    }
    return { kind: 'newAnonymous', pos: this.pos(n), members };
  }

  private arrayCreation(n: Node): Expr {
    const pos = this.pos(n);
    const typeNode = this.required(field(n, 'type'), n, 'type');
    if (typeNode.type !== 'array_type') return this.unsupported(n);
    const elementType = this.type(this.required(field(typeNode, 'type'), typeNode, 'type'));
    const rank = field(typeNode, 'rank');
    const sizes = rank ? namedChildren(rank) : [];
    if (rank && rank.text.includes(',')) return this.unsupported(n, 'Multi-dimensional arrays');
    const init = namedChildren(n).find((c) => c.type === 'initializer_expression');
    return {
      kind: 'newArray',
      pos,
      elementType,
      size: sizes[0] ? this.expr(sizes[0]) : undefined,
      elements: init ? namedChildren(init).map((c) => this.expr(c)) : undefined,
    };
  }

  private switchExpression(n: Node): Expr {
    const pos = this.pos(n);
    const kids = namedChildren(n);
    const value = this.expr(this.required(kids[0], n, 'expression'));
    const arms = kids
      .filter((c) => c.type === 'switch_expression_arm')
      .map((arm) => {
        const parts = namedChildren(arm);
        const whenNode = parts.find((p) => p.type === 'when_clause');
        const rest = parts.filter((p) => p !== whenNode && p.id !== whenNode?.id);
        return {
          pos: this.pos(arm),
          pattern: this.pattern(this.required(rest[0], arm, 'pattern')),
          when: whenNode ? this.expr(this.required(namedChildren(whenNode)[0], whenNode, 'condition')) : undefined,
          result: this.expr(this.required(rest[1], arm, 'expression')),
        };
      });
    return { kind: 'switch', pos, value, arms };
  }

  // ---------------------------------------------------------------- statements

  block(n: Node): Block {
    const statements = namedChildren(n).map((c) => this.statement(c));
    const close = children(n).filter((c) => c.text === '}').pop();
    return { kind: 'block', pos: this.pos(n), endPos: close ? this.pos(close) : this.pos(n), statements };
  }

  private localDeclaration(decl: Node, isConst: boolean, pos: SourcePosition): LocalDeclaration {
    const type = this.type(this.required(field(decl, 'type'), decl, 'type'));
    const declarators: Declarator[] = namedChildren(decl)
      .filter((c) => c.type === 'variable_declarator')
      .map((d) => {
        const nameNode = this.required(field(d, 'name'), d, 'name');
        const initNode = namedChildren(d).find((c) => c.id !== nameNode.id && c.type !== 'bracketed_argument_list');
        return { pos: this.pos(nameNode), name: nameNode.text, init: initNode ? this.expr(initNode) : undefined };
      });
    return { kind: 'local', pos, type, declarators, isConst };
  }

  statement(n: Node): Statement {
    const pos = this.pos(n);
    switch (n.type) {
      case 'block':
        return this.block(n);
      case 'local_declaration_statement': {
        const decl = this.required(namedChildren(n).find((c) => c.type === 'variable_declaration'), n, 'declaration');
        const isConst = namedChildren(n).some((c) => c.type === 'modifier' && c.text === 'const');
        const usingDecl = children(n).some((c) => !c.isNamed && c.text === 'using');
        const local = this.localDeclaration(decl, isConst, pos);
        return usingDecl ? { kind: 'using', pos, declaration: local } : local;
      }
      case 'expression_statement':
        return { kind: 'expression', pos, expr: this.expr(this.required(namedChildren(n)[0], n, 'expression')) };
      case 'if_statement': {
        const alt = field(n, 'alternative');
        return {
          kind: 'if',
          pos,
          condition: this.expr(this.required(field(n, 'condition'), n, 'condition')),
          then: this.statement(this.required(field(n, 'consequence'), n, 'statement')),
          else: alt ? this.statement(alt) : undefined,
        };
      }
      case 'foreach_statement': {
        const left = this.required(field(n, 'left'), n, 'variable');
        if (left.type !== 'identifier') return this.unsupported(left, 'Deconstruction in foreach');
        return {
          kind: 'foreach',
          pos,
          type: this.type(this.required(field(n, 'type'), n, 'type')),
          name: left.text,
          collection: this.expr(this.required(field(n, 'right'), n, 'collection')),
          body: this.statement(this.required(field(n, 'body'), n, 'body')),
        };
      }
      case 'for_statement':
        return this.forStatement(n);
      case 'while_statement':
        return {
          kind: 'while',
          pos,
          condition: this.expr(this.required(field(n, 'condition'), n, 'condition')),
          body: this.statement(this.required(field(n, 'body'), n, 'body')),
        };
      case 'do_statement':
        return {
          kind: 'do',
          pos,
          condition: this.expr(this.required(field(n, 'condition'), n, 'condition')),
          body: this.statement(this.required(field(n, 'body'), n, 'body')),
        };
      case 'return_statement': {
        const v = namedChildren(n)[0];
        return { kind: 'return', pos, value: v ? this.expr(v) : undefined };
      }
      case 'break_statement':
        return { kind: 'break', pos };
      case 'continue_statement':
        return { kind: 'continue', pos };
      case 'throw_statement': {
        const v = namedChildren(n)[0];
        return { kind: 'throw', pos, value: v ? this.expr(v) : undefined };
      }
      case 'local_function_statement':
        return this.localFunction(n);
      case 'checked_statement': {
        const keyword = children(n)[0]?.text;
        const body = this.required(namedChildren(n).find((c) => c.type === 'block'), n, 'block');
        return { kind: 'checkedBlock', pos, checked: keyword === 'checked', body: this.block(body) };
      }
      case 'switch_statement':
        return this.switchStatement(n);
      case 'try_statement':
        return this.tryStatement(n);
      case 'using_statement': {
        const decl = namedChildren(n).find((c) => c.type === 'variable_declaration');
        const body = this.required(field(n, 'body'), n, 'body');
        const exprNode = decl ? undefined : namedChildren(n).find((c) => c.id !== body.id);
        return {
          kind: 'using',
          pos,
          declaration: decl ? this.localDeclaration(decl, false, this.pos(decl)) : undefined,
          expr: exprNode ? this.expr(exprNode) : undefined,
          body: this.statement(body),
        };
      }
      case 'empty_statement':
        return { kind: 'empty', pos };
      default:
        return this.unsupported(n, `The statement '${n.type.replace(/_statement$/, '').replace(/_/g, ' ')}'`);
    }
  }

  private forStatement(n: Node): Statement {
    const pos = this.pos(n);
    let init: LocalDeclaration | undefined;
    const initExprs: Expr[] = [];
    const updates: Expr[] = [];
    let condition: Expr | undefined;
    let body: Statement | undefined;
    for (let i = 0; i < n.childCount; i++) {
      const c = n.child(i);
      if (!c || !c.isNamed || c.type === 'comment') continue;
      const f = n.fieldNameForChild(i);
      if (f === 'initializer') {
        if (c.type === 'variable_declaration') init = this.localDeclaration(c, false, this.pos(c));
        else initExprs.push(this.expr(c));
      } else if (f === 'condition') condition = this.expr(c);
      else if (f === 'update') updates.push(this.expr(c));
      else if (f === 'body') body = this.statement(c);
    }
    return { kind: 'for', pos, init, initExprs, condition, updates, body: body ?? { kind: 'empty', pos } };
  }

  private localFunction(n: Node): Statement {
    const pos = this.pos(n);
    if (children(n).some((c) => c.type === 'modifier' && c.text === 'async')) return this.unsupported(n, 'async local functions');
    const paramsNode = this.required(field(n, 'parameters'), n, 'parameters');
    const params = namedChildren(paramsNode)
      .filter((p) => p.type === 'parameter')
      .map((p) => ({
        pos: this.pos(p),
        name: this.required(field(p, 'name'), p, 'name').text,
        type: this.type(this.required(field(p, 'type'), p, 'parameter type')),
      }));
    const bodyNode = this.required(field(n, 'body'), n, 'body');
    const body = bodyNode.type === 'block' ? this.block(bodyNode) : this.expr(this.required(namedChildren(bodyNode)[0], bodyNode, 'expression'));
    if (field(n, 'type_parameters')) return this.unsupported(n, 'Generic local functions');
    return {
      kind: 'localFunction',
      pos,
      name: this.required(field(n, 'name'), n, 'name').text,
      returnType: this.type(this.required(field(n, 'type'), n, 'return type')),
      params,
      body,
    };
  }

  private switchStatement(n: Node): Statement {
    const pos = this.pos(n);
    const value = this.expr(this.required(field(n, 'value'), n, 'expression'));
    const body = this.required(field(n, 'body'), n, 'switch body');
    const sections: SwitchSection[] = namedChildren(body)
      .filter((s) => s.type === 'switch_section')
      .map((s) => {
        const labels: SwitchSection['labels'][number][] = [];
        const statements: Statement[] = [];
        const kids = children(s);
        for (let i = 0; i < kids.length; i++) {
          const c = kids[i];
          if (!c.isNamed && c.text === 'default') labels.push(undefined);
          else if (!c.isNamed && c.text === 'case') {
            const patternNode = this.required(kids[i + 1], s, 'pattern');
            const whenNode = kids[i + 2]?.type === 'when_clause' ? kids[i + 2] : undefined;
            labels.push({
              pattern: this.pattern(patternNode),
              when: whenNode ? this.expr(this.required(namedChildren(whenNode)[0], whenNode, 'condition')) : undefined,
            });
            i += whenNode ? 2 : 1;
          } else if (c.isNamed && c.type !== 'when_clause') statements.push(this.statement(c));
        }
        return { pos: this.pos(s), labels, statements };
      });
    // tree-sitter gives `case 1: case 2: …` as a section without statements followed by
    // another; in C# both labels belong to the one section.
    const merged: SwitchSection[] = [];
    let pending: SwitchSection['labels'][number][] = [];
    for (const sec of sections) {
      if (sec.statements.length === 0) {
        pending.push(...sec.labels);
        continue;
      }
      merged.push({ ...sec, labels: [...pending, ...sec.labels] });
      pending = [];
    }
    if (pending.length) merged.push({ pos, labels: pending, statements: [] });
    return { kind: 'switch', pos, value, sections: merged };
  }

  private tryStatement(n: Node): Statement {
    const pos = this.pos(n);
    const body = this.block(this.required(field(n, 'body'), n, 'block'));
    const catches: CatchClause[] = [];
    let fin: Block | undefined;
    for (const c of namedChildren(n)) {
      if (c.type === 'catch_clause') {
        const decl = namedChildren(c).find((k) => k.type === 'catch_declaration');
        const filter = namedChildren(c).find((k) => k.type === 'catch_filter_clause');
        const typeNode = decl ? field(decl, 'type') : undefined;
        const nameNode = decl ? field(decl, 'name') : undefined;
        catches.push({
          pos: this.pos(c),
          type: typeNode ? this.type(typeNode) : undefined,
          name: nameNode?.text,
          filter: filter ? this.expr(this.required(namedChildren(filter)[0], filter, 'condition')) : undefined,
          body: this.block(this.required(field(c, 'body'), c, 'block')),
        });
      } else if (c.type === 'finally_clause') {
        fin = this.block(this.required(namedChildren(c).find((k) => k.type === 'block'), c, 'block'));
      }
    }
    return { kind: 'try', pos, body, catches, finally: fin };
  }
}
