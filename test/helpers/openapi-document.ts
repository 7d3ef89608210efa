/**
 * Reads the API's own OpenAPI document as a client would: which operation a request reaches, whether the
 * document allows a request body, and whether an answer is one the document describes (status, JSON body
 * against its schema with a JSON Schema 2020-12 validator, the headers it names). The contract and fuzz
 * tests judge every answer with it, so the document is what is tested, not a second copy of it.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { OpenApiDocument } from '../../api/openapi.js';

type Operation = {
  operationId: string;
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> }>;
};

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export interface Reached {
  /** The documented path template, when the path is one of the document's. */
  path?: string;
  /** The operation, when the method is one the path declares. */
  operation?: Operation;
}

export class DocumentReader {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { path: string; pattern: RegExp }[];

  constructor(readonly doc: OpenApiDocument) {
    // CommonJS: the plugin is the module itself, or its `default` when read through an ESM interop layer.
    const addFormats = (formats as unknown as { default?: typeof formats.default }).default ?? (formats as unknown as typeof formats.default);
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi.json', components: doc.components });
    this.templates = Object.keys(doc.paths).map((path) => ({ path, pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}/?$`, 'i') }));
  }

  static async load(baseUrl: string): Promise<DocumentReader> {
    const res = await fetch(`${baseUrl}/openapi.json`);
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
    return new DocumentReader((await res.json()) as OpenApiDocument);
  }

  operations(): { method: string; path: string; operation: Operation }[] {
    return Object.entries(this.doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, operation]) => ({ method, path, operation: operation as unknown as Operation })),
    );
  }

  reached(method: string, urlPath: string): Reached {
    const path = this.templates.find((t) => t.pattern.test(urlPath.split('?')[0]))?.path;
    if (!path) return {};
    const operation = this.doc.paths[path][method.toLowerCase() as 'get'] as unknown as Operation | undefined;
    return { path, operation };
  }

  /** Whether the document allows `body` as the JSON request body of an operation. */
  allowsBody(operation: Operation, body: unknown): boolean {
    const ref = operation.requestBody?.content['application/json']?.schema.$ref;
    if (!ref) throw new Error(`${operation.operationId} takes no JSON body`);
    return this.validator(ref)(body);
  }

  /** What is wrong with an answer, by the document; empty when it is one the document describes. */
  problems(method: string, urlPath: string, answer: Answer): string[] {
    const { path, operation } = this.reached(method, urlPath);
    const where = `${method} ${urlPath} → ${answer.status}`;
    if (!path) return [];
    // A method the path does not declare: the 405 every operation of the path documents.
    const op = operation ?? (Object.values(this.doc.paths[path])[0] as unknown as Operation);
    const documented = op.responses[String(answer.status)];
    if (!documented) return [`${where}: status not documented for ${op.operationId}`];
    const problems: string[] = [];
    for (const header of Object.keys(documented.headers ?? {})) {
      if (answer.headers.get(header) === null) problems.push(`${where}: documented header ${header} missing`);
    }
    if (method === 'HEAD') return problems;
    const [mediaType, media] = Object.entries(documented.content ?? {})[0] ?? [];
    if (!mediaType) return problems;
    if (!(answer.headers.get('content-type') ?? '').startsWith(mediaType)) problems.push(`${where}: content-type ${answer.headers.get('content-type')}, documented ${mediaType}`);
    if (media?.schema.$ref) {
      let body: unknown;
      try {
        body = JSON.parse(answer.text);
      } catch {
        return [...problems, `${where}: body is not JSON: ${answer.text.slice(0, 200)}`];
      }
      const validate = this.validator(media.schema.$ref);
      if (!validate(body)) problems.push(`${where}: body does not match ${media.schema.$ref}: ${this.ajv.errorsText(validate.errors)}; ${answer.text.slice(0, 300)}`);
    }
    return problems;
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json${ref}` });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}
