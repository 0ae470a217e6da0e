import { Type, type Static } from '@sinclair/typebox';
import { StrictObject } from './schema-helpers.js';

/**
 * Link resources carry no data of their own: the link is its address
 * (`products/{p}` + api id). APIM's link contracts echo the linked id; it is
 * accepted and must agree with the address.
 */
export const ProductApiLinkPropertiesSchema = StrictObject(
  { apiId: Type.Optional(Type.String({ description: "Linked API ('/apis/{apiId}'); must match the URL when given." })) },
  { description: 'Link between a product and an API.' },
);

export const ProductGroupLinkPropertiesSchema = StrictObject(
  { groupId: Type.Optional(Type.String({ description: "Linked group ('/groups/{groupId}'); must match the URL when given." })) },
  { description: 'Link between a product and a group (group members may see the product).' },
);

export const GroupUserLinkPropertiesSchema = StrictObject(
  { userId: Type.Optional(Type.String({ description: "Linked user ('/users/{userId}'); must match the URL when given." })) },
  { description: 'Membership of a user in a group.' },
);

export type ProductApiLinkProperties = Static<typeof ProductApiLinkPropertiesSchema>;
export type ProductGroupLinkProperties = Static<typeof ProductGroupLinkPropertiesSchema>;
export type GroupUserLinkProperties = Static<typeof GroupUserLinkPropertiesSchema>;
