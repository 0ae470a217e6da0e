/**
 * The expression AST the compiler works on. It is converted from tree-sitter's concrete
 * syntax tree (syntax/convert.ts) so that the compiler sees a typed, position-mapped tree
 * with tree-sitter's few precedence slips already corrected, and holds no WASM memory.
 */
import type { SourcePosition } from '../errors.js';

export type Pos = SourcePosition;

export type TypeSyntax =
  | { readonly kind: 'named'; readonly pos: Pos; readonly name: string; readonly args: readonly TypeSyntax[] }
  | { readonly kind: 'array'; readonly pos: Pos; readonly element: TypeSyntax }
  | { readonly kind: 'nullable'; readonly pos: Pos; readonly inner: TypeSyntax }
  | { readonly kind: 'var'; readonly pos: Pos };

export type LiteralType = 'int' | 'uint' | 'long' | 'ulong' | 'float' | 'double' | 'decimal' | 'bool' | 'char' | 'string' | 'null';

export interface Argument {
  readonly pos: Pos;
  readonly name?: string;
  readonly modifier?: 'out' | 'ref' | 'in';
  readonly value: Expr;
}

export interface InterpolationHole {
  readonly expr: Expr;
  readonly alignment?: Expr;
  readonly format?: string;
}

export type Initializer =
  | { readonly kind: 'collection'; readonly pos: Pos; readonly items: readonly (readonly Expr[])[] }
  | {
      readonly kind: 'object';
      readonly pos: Pos;
      readonly members: readonly { readonly pos: Pos; readonly name?: string; readonly index?: readonly Argument[]; readonly value: Expr | Initializer }[];
    };

export interface LambdaParam {
  readonly pos: Pos;
  readonly name: string;
  readonly type?: TypeSyntax;
}

export type Pattern =
  | { readonly kind: 'type'; readonly pos: Pos; readonly type: TypeSyntax; readonly name?: string }
  | { readonly kind: 'var'; readonly pos: Pos; readonly name: string }
  | { readonly kind: 'constant'; readonly pos: Pos; readonly value: Expr }
  | { readonly kind: 'relational'; readonly pos: Pos; readonly op: '<' | '<=' | '>' | '>='; readonly value: Expr }
  | { readonly kind: 'not'; readonly pos: Pos; readonly pattern: Pattern }
  | { readonly kind: 'and' | 'or'; readonly pos: Pos; readonly left: Pattern; readonly right: Pattern }
  | { readonly kind: 'discard'; readonly pos: Pos };

export type Expr =
  | { readonly kind: 'literal'; readonly pos: Pos; readonly type: LiteralType; readonly value: unknown }
  | { readonly kind: 'interpolated'; readonly pos: Pos; readonly parts: readonly (string | InterpolationHole)[] }
  | { readonly kind: 'name'; readonly pos: Pos; readonly name: string; readonly typeArgs?: readonly TypeSyntax[] }
  | { readonly kind: 'predefinedType'; readonly pos: Pos; readonly name: string }
  | {
      readonly kind: 'member';
      readonly pos: Pos;
      readonly target: Expr;
      readonly name: string;
      readonly namePos: Pos;
      readonly typeArgs?: readonly TypeSyntax[];
    }
  | { readonly kind: 'invoke'; readonly pos: Pos; readonly target: Expr; readonly args: readonly Argument[] }
  | { readonly kind: 'index'; readonly pos: Pos; readonly target: Expr; readonly args: readonly Argument[] }
  /** `target?.chain`: `chain` is built on a `receiver` node standing for the non-null target. */
  | { readonly kind: 'conditionalAccess'; readonly pos: Pos; readonly target: Expr; readonly chain: Expr }
  | { readonly kind: 'receiver'; readonly pos: Pos }
  | {
      readonly kind: 'unary';
      readonly pos: Pos;
      readonly op: '!' | '-' | '+' | '~' | '++' | '--';
      readonly postfix: boolean;
      readonly operand: Expr;
    }
  | { readonly kind: 'binary'; readonly pos: Pos; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'assign'; readonly pos: Pos; readonly op: string; readonly target: Expr; readonly value: Expr }
  | { readonly kind: 'conditional'; readonly pos: Pos; readonly condition: Expr; readonly whenTrue: Expr; readonly whenFalse: Expr }
  | { readonly kind: 'cast'; readonly pos: Pos; readonly type: TypeSyntax; readonly operand: Expr }
  | { readonly kind: 'as'; readonly pos: Pos; readonly operand: Expr; readonly type: TypeSyntax }
  | { readonly kind: 'is'; readonly pos: Pos; readonly operand: Expr; readonly pattern: Pattern }
  | {
      readonly kind: 'lambda';
      readonly pos: Pos;
      readonly params: readonly LambdaParam[];
      readonly body: Expr | Block;
    }
  | {
      readonly kind: 'new';
      readonly pos: Pos;
      readonly type: TypeSyntax;
      readonly args: readonly Argument[];
      readonly initializer?: Initializer;
    }
  | {
      readonly kind: 'newAnonymous';
      readonly pos: Pos;
      readonly members: readonly { readonly pos: Pos; readonly name: string; readonly value: Expr }[];
    }
  | {
      readonly kind: 'newArray';
      readonly pos: Pos;
      /** Absent for `new[] { … }`, where the element type is inferred. */
      readonly elementType?: TypeSyntax;
      readonly size?: Expr;
      readonly elements?: readonly Expr[];
    }
  /** `{ 1, 2 }` as a variable initializer (`int[] a = { 1, 2 };`). */
  | { readonly kind: 'arrayInitializer'; readonly pos: Pos; readonly elements: readonly Expr[] }
  | { readonly kind: 'default'; readonly pos: Pos; readonly type?: TypeSyntax }
  | { readonly kind: 'checked'; readonly pos: Pos; readonly checked: boolean; readonly operand: Expr }
  | { readonly kind: 'throw'; readonly pos: Pos; readonly operand: Expr }
  /** `out var x` / `out string x` inside an argument list. */
  | { readonly kind: 'declaration'; readonly pos: Pos; readonly type: TypeSyntax; readonly name: string }
  | { readonly kind: 'typeof'; readonly pos: Pos; readonly type: TypeSyntax }
  | { readonly kind: 'nameof'; readonly pos: Pos; readonly name: string }
  | {
      readonly kind: 'switch';
      readonly pos: Pos;
      readonly value: Expr;
      readonly arms: readonly { readonly pos: Pos; readonly pattern: Pattern; readonly when?: Expr; readonly result: Expr }[];
    };

export interface Block {
  readonly kind: 'block';
  readonly pos: Pos;
  readonly endPos: Pos;
  readonly statements: readonly Statement[];
}

export interface Declarator {
  readonly pos: Pos;
  readonly name: string;
  readonly init?: Expr;
}

export interface LocalDeclaration {
  readonly kind: 'local';
  readonly pos: Pos;
  readonly type: TypeSyntax;
  readonly declarators: readonly Declarator[];
  readonly isConst: boolean;
}

export interface SwitchSection {
  readonly pos: Pos;
  /** `undefined` stands for `default:`. */
  readonly labels: readonly ({ readonly pattern: Pattern; readonly when?: Expr } | undefined)[];
  readonly statements: readonly Statement[];
}

export interface CatchClause {
  readonly pos: Pos;
  readonly type?: TypeSyntax;
  readonly name?: string;
  readonly filter?: Expr;
  readonly body: Block;
}

export interface LocalFunctionParam {
  readonly pos: Pos;
  readonly name: string;
  readonly type: TypeSyntax;
}

export type Statement =
  | Block
  | LocalDeclaration
  | { readonly kind: 'expression'; readonly pos: Pos; readonly expr: Expr }
  | { readonly kind: 'if'; readonly pos: Pos; readonly condition: Expr; readonly then: Statement; readonly else?: Statement }
  | {
      readonly kind: 'foreach';
      readonly pos: Pos;
      readonly type: TypeSyntax;
      readonly name: string;
      readonly collection: Expr;
      readonly body: Statement;
    }
  | {
      readonly kind: 'for';
      readonly pos: Pos;
      readonly init?: LocalDeclaration;
      readonly initExprs: readonly Expr[];
      readonly condition?: Expr;
      readonly updates: readonly Expr[];
      readonly body: Statement;
    }
  | { readonly kind: 'while'; readonly pos: Pos; readonly condition: Expr; readonly body: Statement }
  | { readonly kind: 'do'; readonly pos: Pos; readonly condition: Expr; readonly body: Statement }
  | { readonly kind: 'return'; readonly pos: Pos; readonly value?: Expr }
  | { readonly kind: 'break'; readonly pos: Pos }
  | { readonly kind: 'continue'; readonly pos: Pos }
  | { readonly kind: 'throw'; readonly pos: Pos; readonly value?: Expr }
  | {
      readonly kind: 'localFunction';
      readonly pos: Pos;
      readonly name: string;
      readonly returnType: TypeSyntax;
      readonly params: readonly LocalFunctionParam[];
      readonly body: Block | Expr;
    }
  | { readonly kind: 'checkedBlock'; readonly pos: Pos; readonly checked: boolean; readonly body: Block }
  | { readonly kind: 'switch'; readonly pos: Pos; readonly value: Expr; readonly sections: readonly SwitchSection[] }
  | { readonly kind: 'try'; readonly pos: Pos; readonly body: Block; readonly catches: readonly CatchClause[]; readonly finally?: Block }
  | { readonly kind: 'using'; readonly pos: Pos; readonly declaration?: LocalDeclaration; readonly expr?: Expr; readonly body?: Statement }
  | { readonly kind: 'empty'; readonly pos: Pos };
