package io.kukeon.api;

import com.google.protobuf.CodedOutputStream;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.Sizes;
import io.kukeon.model.TreeObject;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListResponse;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One response of a List: the objects sorted by path, after the page token, within the page size and
 * {@link Sizes#MAX_RESPONSE_BYTES}, so that a client with gRPC's default inbound limit can always read it.
 */
final class ListPages {
    private ListPages() {}

    /**
     * @param from  the objects of the list sorted by path, those after the given path only (null: from the first);
     *              read only as far as this page goes, so a page's cost does not grow with the objects after it
     * @param shown the object as the list shows it (a cell with its template verdict), worked out for this page only
     */
    static ListResponse page(Kind kind, Function<String, Iterable<TreeObject>> from, ListRequest in, UnaryOperator<TreeObject> shown) {
        if (in.getPageSize() < 0) {
            throw new InvalidArgumentException("page_size", "must not be negative");
        }
        boolean paging = in.getPageSize() > 0 || !in.getPageToken().isEmpty();
        String after = in.getPageToken().isEmpty() ? null : ObjectPath.parse("page_token", in.getPageToken()).toString();
        ListResponse.Builder out = ListResponse.newBuilder();
        long bytes = 0;
        String last = null;
        for (TreeObject o : from.apply(after)) {
            String path = o.path().toString();
            if (in.getPageSize() > 0 && out.getObjectsCount() == in.getPageSize()) {
                return out.setNextPageToken(last).build();
            }
            ObjectDoc doc = ObjectMapping.toProto(shown.apply(o));
            long size = CodedOutputStream.computeMessageSize(ListResponse.OBJECTS_FIELD_NUMBER, doc);
            if (bytes + size > Sizes.MAX_RESPONSE_BYTES) {
                if (out.getObjectsCount() == 0) {
                    throw new ResourceExhaustedException(kind.label() + " \"" + path + "\" is " + Sizes.of(size)
                            + ", more than a response may carry (" + Sizes.of(Sizes.MAX_RESPONSE_BYTES)
                            + "): delete it or apply a smaller spec; list on past it with page_token \"" + path + "\"");
                }
                if (!paging) {
                    throw new ResourceExhaustedException("the " + kind.label() + "s found are more than a response may"
                            + " carry (" + Sizes.of(Sizes.MAX_RESPONSE_BYTES) + "): narrow the list (parent, selector)"
                            + " or page through it (page_size, page_token)");
                }
                return out.setNextPageToken(last).build();
            }
            out.addObjects(doc);
            bytes += size;
            last = path;
        }
        return out.build();
    }
}
