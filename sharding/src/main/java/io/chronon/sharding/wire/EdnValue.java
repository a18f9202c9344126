package io.chronon.sharding.wire;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of a protocol message that holds EDN data (transaction data, a query, its
 * arguments, a result): it travels inside the CBOR document as one byte string in the
 * binary codec ({@link EdnJson.ValueSerializer} and {@link EdnJson.ValueDeserializer}), so
 * keywords, symbols, sets, lists, UUIDs, big decimals and instants come back as they were
 * sent. Put it on a record component; Java copies it to the field, the accessor and the
 * constructor parameter, where Jackson finds it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@JacksonAnnotationsInside
@JsonSerialize(using = EdnJson.ValueSerializer.class)
@JsonDeserialize(using = EdnJson.ValueDeserializer.class)
public @interface EdnValue {
}
